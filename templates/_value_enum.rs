{#- The string enum of an enum attribute (`a`, its enum `e`): the values the spec lists,
    and `Other` for the rest. Included by resource.rs. -#}
{{ a.enum_docs() }}
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum {{ e.name }} {
{%- for v in e.values %}
    {{ v.docs() }}
    {{ v.variant }},
{%- endfor %}
    /// A value this client does not know, kept as sent.
    Other(String),
}

impl {{ e.name }} {
    /// The value as the API spells it.
    pub fn as_str(&self) -> &str {
        match self {
        {%- for v in e.values %}
            Self::{{ v.variant }} => {{ v.literal() }},
        {%- endfor %}
            Self::Other(other) => other,
        }
    }

    fn known(value: &str) -> Option<Self> {
        match value {
        {%- for v in e.values %}
            {{ v.literal() }} => Some(Self::{{ v.variant }}),
        {%- endfor %}
            _ => None,
        }
    }
}

impl fmt::Display for {{ e.name }} {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FilterValue for {{ e.name }} {
    fn to_filter_value(&self) -> String {
        self.as_str().to_string()
    }
}

impl Serialize for {{ e.name }} {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for {{ e.name }} {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_enum(deserializer, Self::known, Self::Other)
    }
}
