{#- The resource as a response carries it: the struct, its attributes and its
    relationships. Included by resource.rs. -#}
{%- import "macros.rs" as m %}
{{ r.docs() }}
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct {{ r.struct_name }} {
    /// The id.
    pub id: String,
    /// The attributes: every one is an `Option`, as a sparse fieldset (`fields`) may leave
    /// any out.
    #[serde(default)]
    pub attributes: {{ r.members.attributes_struct }},
    /// The relationships, with their links and, when included, their linkage.
    #[serde(default)]
    pub relationships: {{ r.members.relationships_struct }},
    /// The resource's own links.
    #[serde(default)]
    pub links: ResourceLinks,
    /// The resource's meta, such as its mode (`test` or `live`).
    #[serde(default)]
    pub meta: ResourceMeta,
}

impl Resource for {{ r.struct_name }} {
    const TYPE: Option<&'static str> = Some({{ r.type_literal() }});
{%- for e in r.members.name_enums %}
    type {{ e.kind_name() }} = {{ e.name }};
{%- endfor %}
}

{{ r.attributes_docs() }}
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct {{ r.members.attributes_struct }} {
{%- for (f, a) in r.attribute_fields() %}
{%- call m::field(a.docs(), a.serde_rename(), "", f.rust, a.response_type()) %}{% endcall %}
{%- endfor %}
}

{{ r.relationships_docs() }}
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct {{ r.members.relationships_struct }} {
{%- for (f, rel) in r.relationship_fields() %}
{%- call m::field(rel.docs(), rel.serde_rename(), "", f.rust, rel.response_type()) %}{% endcall %}
{%- endfor %}
}
