{#- One resource's module. Rendered by `ResourceTemplate` (generator/src/render.rs), then
    parsed by syn and printed by prettyplease, so layout here is free. Every name, type
    spelling, literal and doc line comes from a method of the model. -#}
{% for line in r.module_docs() %}{{ line }}
{% endfor %}

use crate::prelude::*;

{% for line in r.docs() %}{{ line }}
{% endfor %}
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct {{ r.struct_name }} {
    /// The id.
    pub id: String,
    /// The attributes: every one is an `Option`, as a sparse fieldset (`fields`) may leave
    /// any out.
    #[serde(default)]
    pub attributes: {{ r.struct_name }}Attributes,
    /// The relationships, with their links and, when included, their linkage.
    #[serde(default)]
    pub relationships: {{ r.struct_name }}Relationships,
    /// The resource's own links.
    #[serde(default)]
    pub links: ResourceLinks,
    /// The resource's meta, such as its mode (`test` or `live`).
    #[serde(default)]
    pub meta: ResourceMeta,
}

impl Resource for {{ r.struct_name }} {
    const TYPE: Option<&'static str> = Some({{ r.type_literal() }});
    type Sort = {{ r.struct_name }}Sort;
    type Filter = {{ r.struct_name }}Filter;
    type Include = {{ r.struct_name }}Include;
    type Field = {{ r.struct_name }}Field;
}

/// The attributes of a [`{{ r.struct_name }}`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct {{ r.struct_name }}Attributes {
{%- for a in r.fetchable_attributes() %}
    {% for line in a.docs() %}{{ line }}
    {% endfor %}
    {{ a.serde_rename() }}
    pub {{ a.ident }}: {{ a.response_type() }},
{%- endfor %}
}

/// The relationships of a [`{{ r.struct_name }}`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct {{ r.struct_name }}Relationships {
{%- for rel in r.relationships %}
    {% for line in rel.docs() %}{{ line }}
    {% endfor %}
    {{ rel.serde_rename() }}
    pub {{ rel.ident }}: {{ rel.response_type() }},
{%- endfor %}
}
{% for (a, e) in r.enums() %}
{% for line in e.docs(a) %}{{ line }}
{% endfor %}
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum {{ e.name }} {
{%- for v in e.values %}
    {% for line in v.docs() %}{{ line }}
    {% endfor %}
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
{% endfor %}
{% for e in r.name_enums() %}
{% for line in e.docs %}{{ line }}
{% endfor %}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum {{ e.name }} {
{%- for v in e.variants %}
    {% for line in v.docs %}{{ line }}
    {% endfor %}
    {{ v.variant }},
{%- endfor %}
}

impl FieldName for {{ e.name }} {
    fn name(&self) -> &str {
        {%- if e.variants.is_empty() %}
        match *self {}
        {%- else %}
        match self {
        {%- for v in e.variants %}
            Self::{{ v.variant }} => {{ v.literal }},
        {%- endfor %}
        }
        {%- endif %}
    }
}
{%- if e.filter %}

impl FilterField for {{ e.name }} {}
{%- endif %}
{% endfor %}
{%- for p in r.poly_enums(*gates) %}

{% for line in p.docs %}{{ line }}
{% endfor %}
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum {{ p.name }} {
{%- for v in p.variants %}
    {% for line in v.docs %}{{ line }}
    {% endfor %}
    {{ v.cfg }}
    {{ v.variant }}(Box<{{ v.path }}>),
{%- endfor %}
    /// A type without a variant here, decoded generically.
    Other(Box<GenericResource>),
}

impl<'de> Deserialize<'de> for {{ p.name }} {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (type_, value) = tagged(deserializer)?;
        match type_.as_str() {
        {%- for v in p.variants %}
            {{ v.cfg }}
            {{ v.literal }} => decode_variant(value).map(Self::{{ v.variant }}),
        {%- endfor %}
            _ => decode_variant(value).map(Self::Other),
        }
    }
}

impl Resource for {{ p.name }} {
    const TYPE: Option<&'static str> = None;
    type Sort = RawName;
    type Filter = RawName;
    type Include = RawName;
    type Field = RawName;
}
{%- endfor %}
{%- if r.actions.create %}

/// The body of a request creating a [`{{ r.struct_name }}`]: [`{{ r.struct_name }}Create::new`]
/// takes what the API requires, the other methods add the rest.
{%- if r.create_has_requirements() %}
#[derive(Debug, Clone, PartialEq, Serialize)]
{%- else %}
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
{%- endif %}
#[non_exhaustive]
pub struct {{ r.struct_name }}Create {
{%- for a in r.creatable_attributes() %}
    {% for line in a.docs() %}{{ line }}
    {% endfor %}
    {{ a.serde_rename() }}
    {%- if !a.required %}
    #[serde(skip_serializing_if = "Option::is_none")]
    {%- endif %}
    pub {{ a.ident }}: {{ a.create_type() }},
{%- endfor %}
{%- if !r.creatable_relationships().is_empty() %}
    /// The relationships to link, sent in `relationships`.
    #[serde(skip)]
    pub relationships: Linkages,
{%- endif %}
}

impl {{ r.struct_name }}Create {
    /// A new {{ r.singular_words() }} with what the API requires.
    pub fn new(
    {%- for a in r.required_attributes() -%}
        {{ a.method }}: {{ a.param_type() }},
    {%- endfor -%}
    {%- for rel in r.required_relationships() -%}
        {{ rel.method }}: {{ rel.link_param_type() }},
    {%- endfor -%}
    ) -> Self {
    {%- if !r.create_has_requirements() %}
        Self::default()
    }
    {%- else %}
    {%- if !r.required_relationships().is_empty() %}
        let mut relationships = Linkages::default();
        {%- for rel in r.required_relationships() %}
        relationships.set({{ rel.literal() }}, {{ rel.link_expr() }});
        {%- endfor %}
    {%- endif %}
        Self {
        {%- for a in r.creatable_attributes() %}
            {%- if a.required %}
            {{ a.required_init() }},
            {%- else %}
            {{ a.ident }}: None,
            {%- endif %}
        {%- endfor %}
        {%- if !r.required_relationships().is_empty() %}
            relationships,
        {%- else if !r.creatable_relationships().is_empty() %}
            relationships: Linkages::default(),
        {%- endif %}
        }
    }
    {%- endif %}
{%- for a in r.creatable_attributes() %}
    {%- if a.trigger %}

    /// Sends `{{ a.name }}: true` with the create.
    pub fn {{ a.method }}(mut self) -> Self {
        self.{{ a.ident }} = Some(true);
        self
    }
    {%- else if !a.required %}

    /// Sets `{{ a.name }}`.
    pub fn {{ a.method }}(mut self, {{ a.method }}: {{ a.param_type() }}) -> Self {
        self.{{ a.ident }} = Some({{ a.method }}{{ a.param_conversion() }});
        self
    }
    {%- endif %}
{%- endfor %}
{%- for rel in r.creatable_relationships() %}
    {%- if !rel.required %}

    {% for line in rel.link_docs() %}{{ line }}
    {% endfor %}
    pub fn {{ rel.method }}(mut self, {{ rel.method }}: {{ rel.link_param_type() }}) -> Self {
        self.relationships.set({{ rel.literal() }}, {{ rel.link_expr() }});
        self
    }
    {%- endif %}
{%- endfor %}
}
{%- endif %}
{%- if r.actions.update %}

/// The body of a request updating a [`{{ r.struct_name }}`]: what is left alone is not sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct {{ r.struct_name }}Update {
{%- for a in r.updatable_attributes() %}
    {% for line in a.docs() %}{{ line }}
    {% endfor %}
    {{ a.serde_rename() }}
    {%- if a.nullable %}
    #[serde(skip_serializing_if = "Patch::is_unchanged")]
    {%- else %}
    #[serde(skip_serializing_if = "Option::is_none")]
    {%- endif %}
    pub {{ a.ident }}: {{ a.update_type() }},
{%- endfor %}
{%- if !r.updatable_relationships().is_empty() %}
    /// The relationships to relink, sent in `relationships`.
    #[serde(skip)]
    pub relationships: Linkages,
{%- endif %}
}

impl {{ r.struct_name }}Update {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
{%- for a in r.updatable_attributes() %}
    {%- if a.trigger %}

    /// Sends `{{ a.name }}: true` with the update.
    pub fn {{ a.method }}(mut self) -> Self {
        self.{{ a.ident }} = Some(true);
        self
    }
    {%- else %}

    /// Sets `{{ a.name }}`.
    pub fn {{ a.method }}(mut self, {{ a.method }}: {{ a.param_type() }}) -> Self {
        {%- if a.nullable %}
        self.{{ a.ident }} = Patch::Set({{ a.method }}{{ a.param_conversion() }});
        {%- else %}
        self.{{ a.ident }} = Some({{ a.method }}{{ a.param_conversion() }});
        {%- endif %}
        self
    }
    {%- endif %}
    {%- if a.nullable %}

    /// Clears `{{ a.name }}`: sends `null`.
    pub fn {{ a.clear_method() }}(mut self) -> Self {
        self.{{ a.ident }} = Patch::Clear;
        self
    }
    {%- endif %}
{%- endfor %}
{%- for rel in r.updatable_relationships() %}

    {% for line in rel.link_docs() %}{{ line }}
    {% endfor %}
    pub fn {{ rel.method }}(mut self, {{ rel.method }}: {{ rel.link_param_type() }}) -> Self {
        self.relationships.set({{ rel.literal() }}, {{ rel.link_expr() }});
        self
    }
    {%- if rel.cardinality == crate::model::Cardinality::One && !rel.required %}

    /// Unlinks `{{ rel.name }}`: sends `null`.
    pub fn {{ rel.clear_method() }}(mut self) -> Self {
        self.relationships.set({{ rel.literal() }}, Linkage::Clear);
        self
    }
    {%- endif %}
{%- endfor %}
}
{%- endif %}

/// The `{{ r.type_name }}` endpoints, from [`Client::{{ r.accessor }}`].
#[derive(Debug, Clone)]
pub struct {{ r.api_name }} {
    client: Client,
}

impl Client {
    /// The `{{ r.type_name }}` endpoints: {{ r.plural_words() }}.
    pub fn {{ r.accessor }}(&self) -> {{ r.api_name }} {
        {{ r.api_name }} {
            client: self.clone(),
        }
    }
}

impl {{ r.api_name }} {
{%- if r.actions.list %}
    /// Lists {{ r.plural_words() }}, a page at a time: `GET /{{ r.type_name }}`.
    pub fn list(&self) -> ListCall<{{ r.struct_name }}> {
        ListCall::list(&self.client, {{ r.type_literal() }})
    }
{%- endif %}
{%- if r.actions.retrieve %}
    {%- if r.singleton %}

    /// Retrieves the {{ r.singular_words() }}: `GET /{{ r.singular }}` (a singleton's path is
    /// its singular name).
    pub fn retrieve(&self) -> ItemCall<{{ r.struct_name }}> {
        ItemCall::singleton(&self.client, {{ r.singular_literal() }})
    }
    {%- else %}

    /// Retrieves a {{ r.singular_words() }} by id: `GET /{{ r.type_name }}/{id}`.
    pub fn retrieve(&self, id: &str) -> ItemCall<{{ r.struct_name }}> {
        ItemCall::retrieve(&self.client, {{ r.type_literal() }}, id)
    }
    {%- endif %}
{%- endif %}
{%- if r.actions.create %}

    /// Creates a {{ r.singular_words() }}: `POST /{{ r.type_name }}`.
    pub fn create(&self, body: &{{ r.struct_name }}Create) -> ItemCall<{{ r.struct_name }}> {
    {%- if r.creatable_relationships().is_empty() %}
        ItemCall::create(&self.client, {{ r.type_literal() }}, body)
    {%- else %}
        ItemCall::create_linked(&self.client, {{ r.type_literal() }}, body, body.relationships.non_empty())
    {%- endif %}
    }
{%- endif %}
{%- if r.actions.update %}

    /// Updates a {{ r.singular_words() }}: `PATCH /{{ r.type_name }}/{id}`.
    pub fn update(&self, id: &str, body: &{{ r.struct_name }}Update) -> ItemCall<{{ r.struct_name }}> {
    {%- if r.updatable_relationships().is_empty() %}
        ItemCall::update(&self.client, {{ r.type_literal() }}, id, body)
    {%- else %}
        ItemCall::update_linked(&self.client, {{ r.type_literal() }}, id, body, body.relationships.non_empty())
    {%- endif %}
    }
{%- endif %}
{%- if r.actions.delete %}

    /// Deletes a {{ r.singular_words() }}: `DELETE /{{ r.type_name }}/{id}`.
    pub fn delete(&self, id: &str) -> DeleteCall {
        DeleteCall::delete(&self.client, {{ r.type_literal() }}, id)
    }
{%- endif %}
{%- for t in r.trigger_methods() %}

    {% for line in t.docs %}{{ line }}
    {% endfor %}
    pub fn {{ t.attr.method }}(&self, id: &str) -> ItemCall<{{ r.struct_name }}> {
        ItemCall::update(&self.client, {{ r.type_literal() }}, id, &Trigger({{ t.literal }}))
    }
{%- endfor %}
{%- for f in r.fetchers(*gates) %}

    {% for line in f.docs %}{{ line }}
    {% endfor %}
    {{ f.cfg }}
    pub fn {{ f.rel.method }}(&self, id: &str) -> {{ f.call }}<{{ f.target }}> {
        {{ f.call }}::related(&self.client, {{ r.type_literal() }}, id, {{ f.name_literal }}, {{ f.type_name }})
    }
{%- endfor %}
}
