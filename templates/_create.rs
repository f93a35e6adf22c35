{#- The create body (`body`, from `r.members.create`): its fields, its constructor taking
    what the API requires, and a builder method for everything else. Included by
    resource.rs. -#}
{%- import "macros.rs" as m %}
{%- call m::body_struct(r, body, r.create_docs(), "The relationships to link, sent in `relationships`.") %}{% endcall %}

impl {{ body.name }} {
    {{ r.create_new_docs() }}
    pub fn new({{ body.param_list(r) }}) -> Self {
    {%- if !body.has_params() %}
        Self::default()
    {%- else %}
    {%- if body.links_params() %}
        let mut relationships = Linkages::default();
        {%- for (b, rel) in r.body_relationships(body) %}
        {%- if let Some(p) = b.param %}
        relationships.set({{ rel.literal() }}, {{ rel.link_expr(p.rust) }});
        {%- endif %}
        {%- endfor %}
    {%- endif %}
        Self {
        {%- for (b, a) in r.body_attributes(body) %}
            {{ b.init(a) }},
        {%- endfor %}
        {%- if body.links_params() %}
            relationships,
        {%- else if let Some(links) = body.links %}
            {{ links.rust }}: Linkages::default(),
        {%- endif %}
        }
    {%- endif %}
    }
{%- call m::builders(r, body, "create") %}{% endcall %}
}
