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

{#- A create or update body's struct: a field per attribute it sends, and the links. -#}
{% macro body_struct(r, body, docs, links_doc) %}
{{ docs }}
{%- if body.has_params() %}
#[derive(Debug, Clone, PartialEq, Serialize)]
{%- else %}
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
{%- endif %}
#[non_exhaustive]
pub struct {{ body.name }} {
{%- for (b, a) in r.body_attributes(body) %}
{%- call field(a.docs(), a.serde_rename(), b.skip(), b.field.rust, b.field_type(a)) %}{% endcall %}
{%- endfor %}
{%- if let Some(links) = body.links %}
    /// {{ links_doc }}
    #[serde(skip)]
    pub {{ links.rust }}: Linkages,
{%- endif %}
}
{%- endmacro %}

{#- A body's builder methods, in the model's order: for each attribute, the method setting
    it (or sending a trigger) and the one clearing it; for each relationship, the method
    linking it and the one unlinking it. `action` is `create` or `update`. -#}
{% macro builders(r, body, action) %}
{%- for (b, a) in r.body_attributes(body) %}
{%- if let Some(s) = b.set %}
{%- if a.trigger %}
{%- call flag(a.send_docs(action), s.rust, b.field.rust, "Some(true)") %}{% endcall %}
{%- else %}
{%- call set(a.set_docs(), s.rust, a.param_type(), b.field.rust, b.wrap(), a.param_conversion()) %}{% endcall %}
{%- endif %}
{%- endif %}
{%- if let Some(c) = b.clear %}
{%- call flag(a.clear_docs(), c.rust, b.field.rust, "Patch::Clear") %}{% endcall %}
{%- endif %}
{%- endfor %}
{%- for (b, rel) in r.body_relationships(body) %}
{%- if let Some(l) = b.link %}
{%- call link(rel.link_docs(), l.rust, rel.link_param_type(), rel.literal(), rel.link_expr(l.rust)) %}{% endcall %}
{%- endif %}
{%- if let Some(u) = b.unlink %}
{%- call link(rel.unlink_docs(), u.rust, "", rel.literal(), "Linkage::Clear") %}{% endcall %}
{%- endif %}
{%- endfor %}
{%- endmacro %}
