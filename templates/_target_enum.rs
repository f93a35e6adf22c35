{#- The enum of a polymorphic relationship's possible targets (`e`): a variant per target
    with a spec, `Other` for the rest. Included by resource.rs. -#}
{%- if let Some(rel) = r.target_relationship(e) %}
{{ r.target_enum_docs(rel, *gates) }}
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum {{ e.name.rust }} {
{%- for v in r.target_variants(e, *gates) %}
    {{ v.docs }}
    {{ v.cfg }}
    {{ v.variant }}(Box<{{ v.path }}>),
{%- endfor %}
    /// A type without a variant here, decoded generically.
    Other(Box<GenericResource>),
}

impl<'de> Deserialize<'de> for {{ e.name.rust }} {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (type_, value) = tagged(deserializer)?;
        match type_.as_str() {
        {%- for v in r.target_variants(e, *gates) %}
            {{ v.cfg }}
            {{ v.literal }} => decode_variant(value).map(Self::{{ v.variant }}),
        {%- endfor %}
            _ => decode_variant(value).map(Self::Other),
        }
    }
}

impl Resource for {{ e.name.rust }} {
    const TYPE: Option<&'static str> = None;
    type Sort = RawName;
    type Filter = RawName;
    type Include = RawName;
    type Field = RawName;
}
{%- endif %}
