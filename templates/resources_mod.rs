{#- The module declaring every resource module. Rendered by `ModTemplate`. -#}
//! The resources, one module each, generated from the specs.
{% for r in model.resources %}
{% if gates %}#[cfg(feature = {{ r.type_literal() }})]{% endif %}
pub mod {{ r.module }};
{%- endfor %}
