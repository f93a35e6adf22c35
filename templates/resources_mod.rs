{#- The module declaring every resource module. Rendered by `ModTemplate`. -#}
//! The resources, one module each, generated from `spec/`.
{% for r in model.resources %}
pub mod {{ r.module }};
{%- endfor %}
