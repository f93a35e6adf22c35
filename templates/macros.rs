{#- Pieces the resource partials share. Import with `{% import "macros.rs" as m %}`. -#}

{#- A struct field with its docs, its serde attributes and its type. -#}
{% macro field(docs, rename, skip, ident, ty) %}
    {{ docs }}
    {{ rename }}
    {%- if !skip.is_empty() %}
    #[serde(skip_serializing_if = {{ skip }})]
    {%- endif %}
    pub {{ ident }}: {{ ty }},
{%- endmacro %}

{#- A builder method setting a field to its parameter, converted and wrapped (in `Some`, or
    in `Patch::Set`). -#}
{% macro set(docs, method, param_type, field, wrap, conversion) %}

    {{ docs }}
    pub fn {{ method }}(mut self, {{ method }}: {{ param_type }}) -> Self {
        self.{{ field }} = {{ wrap }}({{ method }}{{ conversion }});
        self
    }
{%- endmacro %}

{#- A builder method taking no parameter: a trigger sent as `true`, or a field cleared. -#}
{% macro flag(docs, method, field, value) %}

    {{ docs }}
    pub fn {{ method }}(mut self) -> Self {
        self.{{ field }} = {{ value }};
        self
    }
{%- endmacro %}

{#- A builder method linking (or unlinking, with no parameter) a relationship. -#}
{% macro link(docs, method, param_type, literal, linkage) %}

    {{ docs }}
    {%- if param_type.is_empty() %}
    pub fn {{ method }}(mut self) -> Self {
    {%- else %}
    pub fn {{ method }}(mut self, {{ method }}: {{ param_type }}) -> Self {
    {%- endif %}
        self.relationships.set({{ literal }}, {{ linkage }});
        self
    }
{%- endmacro %}
