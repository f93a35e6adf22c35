{#- The update body (`body`, from `r.members.update`): its fields, and a builder method
    setting (and, where the API allows `null`, clearing) each. Included by resource.rs. -#}
{%- import "macros.rs" as m %}
{%- call m::body_struct(r, body, r.update_docs(), "The relationships to relink, sent in `relationships`.") %}{% endcall %}

impl {{ body.name }} {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
{%- call m::builders(r, body, "update") %}{% endcall %}
}
