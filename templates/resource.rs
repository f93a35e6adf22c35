{#- One resource's module. Rendered by `ResourceTemplate` (generator/src/render.rs), then
    parsed by syn and printed by prettyplease, so layout here is free. It only loops over
    the model's lists of members (`r.members`) and includes one partial per kind of item;
    every name, type spelling, literal and doc line comes from a method of the model. -#}
{{ r.module_docs() }}
use crate::prelude::*;
{% include "_handle.rs" %}
{% include "_resource.rs" %}
{%- if let Some(body) = r.members.create %}
{% include "_create.rs" %}
{%- endif %}
{%- if let Some(body) = r.members.update %}
{% include "_update.rs" %}
{%- endif %}
{%- for (a, e) in r.value_enums() %}
{% include "_value_enum.rs" %}
{%- endfor %}
{%- for e in r.members.name_enums %}
{% include "_name_enum.rs" %}
{%- endfor %}
{%- for e in r.members.target_enums %}
{% include "_target_enum.rs" %}
{%- endfor %}
