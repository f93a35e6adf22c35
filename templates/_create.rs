{#- The create body (`body`, from `r.members.create`): its fields, its constructor taking
    what the API requires, and a builder method for everything else. Included by
    resource.rs. -#}
{%- import "macros.rs" as m %}
{{ r.create_docs() }}
{%- if body.has_params() %}
#[derive(Debug, Clone, PartialEq, Serialize)]
{%- else %}
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
{%- endif %}
#[non_exhaustive]
pub struct {{ body.name }} {
{%- for (b, a) in r.body_attributes(body) %}
{%- if b.param.is_some() %}
{%- call m::field(a.docs(), a.serde_rename(), "", b.field.rust, a.create_type()) %}{% endcall %}
{%- else %}
{%- call m::field(a.docs(), a.serde_rename(), "\"Option::is_none\"", b.field.rust, a.create_type()) %}{% endcall %}
{%- endif %}
{%- endfor %}
{%- if let Some(links) = body.links %}
    /// The relationships to link, sent in `relationships`.
    #[serde(skip)]
    pub {{ links.rust }}: Linkages,
{%- endif %}
}

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
{%- for (b, a) in r.body_attributes(body) %}
{%- if let Some(s) = b.set %}
{%- if a.trigger %}
{%- call m::flag(a.send_docs("create"), s.rust, b.field.rust, "Some(true)") %}{% endcall %}
{%- else %}
{%- call m::set(a.set_docs(), s.rust, a.param_type(), b.field.rust, "Some", a.param_conversion()) %}{% endcall %}
{%- endif %}
{%- endif %}
{%- endfor %}
{%- for (b, rel) in r.body_relationships(body) %}
{%- if let Some(l) = b.link %}
{%- call m::link(rel.link_docs(), l.rust, rel.link_param_type(), rel.literal(), rel.link_expr(l.rust)) %}{% endcall %}
{%- endif %}
{%- endfor %}
}
