{#- Conformance tests: rendered by `ConformanceTemplate` (generator/src/conformance.rs). Each
    resource gets one test that runs every action it supports against a local server. -#}
//! Conformance tests, generated from the specs: for every resource and every action it
//! supports, the request is checked (method, path, headers, body) on a local HTTP server, and
//! a response built from the spec's examples is decoded and compared with them.
{% for c in resources %}
#[cfg(feature = {{ c.r.type_literal() }})]
mod {{ c.r.module }} {
    #[allow(unused_imports)]
    use crate::harness::*;
    #[allow(unused_imports)]
    use commercelayer::{{ c.r.module }}::*;

    /// A `{{ c.r.type_name }}` resource holding every example of its spec.
    const RESOURCE: &str = {{ c.resource_json }};

    fn check(resource: &{{ c.r.struct_name }}) {
    {%- for line in c.checks %}
        {{ line }}
    {%- endfor %}
    }

    #[tokio::test]
    async fn every_action() {
        let api = Api::start().await;
    {%- if c.r.actions.list %}

        let (page, request) = api.exchange(200, list_document(RESOURCE), api.client().{{ c.r.accessor }}().list()).await;
        request.expect("GET", "/api/{{ c.r.type_name }}", None);
        let page = page.expect("the list decodes");
        assert_eq!(page.meta.record_count, 1);
        check(&page.data[0]);
    {%- endif %}
    {%- if c.r.actions.retrieve %}

        {%- if c.r.singleton %}
        let (answer, request) = api.exchange(200, document(RESOURCE), api.client().{{ c.r.accessor }}().retrieve()).await;
        request.expect("GET", "/api/{{ c.r.singular }}", None);
        {%- else %}
        let (answer, request) = api.exchange(200, document(RESOURCE), api.client().{{ c.r.accessor }}().retrieve(ID)).await;
        request.expect("GET", &format!("/api/{{ c.r.type_name }}/{ID}"), None);
        {%- endif %}
        check(&answer.expect("the resource decodes").data);
    {%- endif %}
    {%- if c.r.actions.create %}

        let body = {{ c.r.struct_name }}Create::new({% for arg in c.create_args %}{{ arg }},{% endfor %});
        let (answer, request) = api.exchange(201, document(RESOURCE), api.client().{{ c.r.accessor }}().create(&body)).await;
        request.expect("POST", "/api/{{ c.r.type_name }}", Some({{ c.create_body }}));
        check(&answer.expect("the created resource decodes").data);
    {%- endif %}
    {%- if c.r.actions.update %}

        let body = {{ c.r.struct_name }}Update::new(){{ c.update_calls }};
        let (answer, request) = api.exchange(200, document(RESOURCE), api.client().{{ c.r.accessor }}().update(ID, &body)).await;
        request.expect("PATCH", &format!("/api/{{ c.r.type_name }}/{ID}"), Some({{ c.update_body }}));
        check(&answer.expect("the updated resource decodes").data);
    {%- endif %}
    {%- for (method, body) in c.triggers %}

        let (answer, request) = api.exchange(200, document(RESOURCE), api.client().{{ c.r.accessor }}().{{ method }}(ID)).await;
        request.expect("PATCH", &format!("/api/{{ c.r.type_name }}/{ID}"), Some({{ body }}));
        check(&answer.expect("the resource decodes").data);
    {%- endfor %}
    {%- if c.r.actions.delete %}

        let (result, request) = api.exchange(204, String::new(), api.client().{{ c.r.accessor }}().delete(ID)).await;
        request.expect("DELETE", &format!("/api/{{ c.r.type_name }}/{ID}"), None);
        result.expect("an empty 204 is a successful delete");
    {%- endif %}
    }
}
{%- endfor %}
