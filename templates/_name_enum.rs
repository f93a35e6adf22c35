{#- An enum naming what a query may use (`e`: sort, filter, include or field), and its wire
    names. Included by resource.rs. -#}
{{ r.name_enum_docs(e) }}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum {{ e.name }} {
{%- for v in e.variants %}
    {{ r.name_variant_docs(v) }}
    {{ v.rust }},
{%- endfor %}
}

impl FieldName for {{ e.name }} {
    fn name(&self) -> &str {
        {%- if e.variants.is_empty() %}
        match *self {}
        {%- else %}
        match self {
        {%- for v in e.variants %}
            Self::{{ v.rust }} => {{ v.literal() }},
        {%- endfor %}
        }
        {%- endif %}
    }
}
{%- if e.is_filter() %}

impl FilterField for {{ e.name }} {}
{%- endif %}
