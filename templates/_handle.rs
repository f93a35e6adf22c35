{#- The endpoints handle (`CustomerGroups`), its accessor on `Client`, and one method per
    endpoint of `r.members.endpoints`. Included by resource.rs. -#}
{{ r.handle_docs() }}
#[derive(Debug, Clone)]
pub struct {{ r.api_name }} {
    client: Client,
}

impl Client {
    {{ r.accessor_docs() }}
    pub fn {{ r.accessor }}(&self) -> {{ r.api_name }} {
        {{ r.api_name }} {
            client: self.clone(),
        }
    }
}

impl {{ r.api_name }} {
{%- if let Some(e) = r.members.endpoints.list %}
    {{ r.list_docs() }}
    pub fn {{ e.rust }}(&self) -> ListCall<{{ r.struct_name }}> {
        ListCall::list(&self.client, {{ r.type_literal() }})
    }
{%- endif %}
{%- if let Some(e) = r.members.endpoints.retrieve %}

    {{ r.retrieve_docs() }}
    {%- if r.singleton %}
    pub fn {{ e.rust }}(&self) -> ItemCall<{{ r.struct_name }}> {
        ItemCall::singleton(&self.client, {{ r.singular_literal() }})
    }
    {%- else %}
    pub fn {{ e.rust }}(&self, id: &str) -> ItemCall<{{ r.struct_name }}> {
        ItemCall::retrieve(&self.client, {{ r.type_literal() }}, id)
    }
    {%- endif %}
{%- endif %}
{%- if let Some(e) = r.members.endpoints.create %}
{%- if let Some(body) = r.members.create %}

    {{ r.create_endpoint_docs() }}
    pub fn {{ e.rust }}(&self, body: &{{ body.name }}) -> ItemCall<{{ r.struct_name }}> {
    {%- if body.links.is_some() %}
        ItemCall::create_linked(&self.client, {{ r.type_literal() }}, body, body.relationships.non_empty())
    {%- else %}
        ItemCall::create(&self.client, {{ r.type_literal() }}, body)
    {%- endif %}
    }
{%- endif %}
{%- endif %}
{%- if let Some(e) = r.members.endpoints.update %}
{%- if let Some(body) = r.members.update %}

    {{ r.update_endpoint_docs() }}
    pub fn {{ e.rust }}(&self, id: &str, body: &{{ body.name }}) -> ItemCall<{{ r.struct_name }}> {
    {%- if body.links.is_some() %}
        ItemCall::update_linked(&self.client, {{ r.type_literal() }}, id, body, body.relationships.non_empty())
    {%- else %}
        ItemCall::update(&self.client, {{ r.type_literal() }}, id, body)
    {%- endif %}
    }
{%- endif %}
{%- endif %}
{%- if let Some(e) = r.members.endpoints.delete %}

    {{ r.delete_docs() }}
    pub fn {{ e.rust }}(&self, id: &str) -> DeleteCall {
        DeleteCall::delete(&self.client, {{ r.type_literal() }}, id)
    }
{%- endif %}
{%- for (t, a) in r.trigger_endpoints() %}

    {{ r.trigger_docs(a) }}
    pub fn {{ t.rust }}(&self, id: &str) -> ItemCall<{{ r.struct_name }}> {
        ItemCall::update(&self.client, {{ r.type_literal() }}, id, &Trigger({{ t.literal() }}))
    }
{%- endfor %}
{%- for f in r.fetchers(*gates) %}

    {{ f.docs }}
    {{ f.cfg }}
    pub fn {{ f.method.rust }}(&self, id: &str) -> {{ f.call }}<{{ f.target }}> {
        {{ f.call }}::related(&self.client, {{ r.type_literal() }}, id, {{ f.rel.literal() }}, {{ f.type_name }})
    }
{%- endfor %}
}
