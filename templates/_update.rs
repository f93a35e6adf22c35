{#- The update body (`body`, from `r.members.update`): its fields, and a builder method
    setting (and, where the API allows `null`, clearing) each. Included by resource.rs. -#}
{%- import "macros.rs" as m %}
{{ r.update_docs() }}
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct {{ body.name }} {
{%- for (b, a) in r.body_attributes(body) %}
{%- if b.clear.is_some() %}
{%- call m::field(a.docs(), a.serde_rename(), "\"Patch::is_unchanged\"", b.field.rust, a.update_type()) %}{% endcall %}
{%- else %}
{%- call m::field(a.docs(), a.serde_rename(), "\"Option::is_none\"", b.field.rust, a.update_type()) %}{% endcall %}
{%- endif %}
{%- endfor %}
{%- if let Some(links) = body.links %}
    /// The relationships to relink, sent in `relationships`.
    #[serde(skip)]
    pub {{ links.rust }}: Linkages,
{%- endif %}
}

impl {{ body.name }} {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
{%- for (b, a) in r.body_attributes(body) %}
{%- if let Some(s) = b.set %}
{%- if a.trigger %}
{%- call m::flag(a.send_docs("update"), s.rust, b.field.rust, "Some(true)") %}{% endcall %}
{%- else if b.clear.is_some() %}
{%- call m::set(a.set_docs(), s.rust, a.param_type(), b.field.rust, "Patch::Set", a.param_conversion()) %}{% endcall %}
{%- else %}
{%- call m::set(a.set_docs(), s.rust, a.param_type(), b.field.rust, "Some", a.param_conversion()) %}{% endcall %}
{%- endif %}
{%- endif %}
{%- if let Some(c) = b.clear %}
{%- call m::flag(a.clear_docs(), c.rust, b.field.rust, "Patch::Clear") %}{% endcall %}
{%- endif %}
{%- endfor %}
{%- for (b, rel) in r.body_relationships(body) %}
{%- if let Some(l) = b.link %}
{%- call m::link(rel.link_docs(), l.rust, rel.link_param_type(), rel.literal(), rel.link_expr(l.rust)) %}{% endcall %}
{%- endif %}
{%- if let Some(u) = b.unlink %}
{%- call m::link(rel.unlink_docs(), u.rust, "", rel.literal(), "Linkage::Clear") %}{% endcall %}
{%- endif %}
{%- endfor %}
}
