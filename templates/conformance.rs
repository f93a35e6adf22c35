{#- Conformance tests: rendered by `ConformanceTemplate` (generator/src/conformance.rs). Each
    resource gets one test that calls every endpoint its handle has (`r.members.endpoints`)
    against a local server. -#}
//! Conformance tests, generated from the specs: for every resource and every action it
//! supports, the request is checked (method, path, headers, body) on a local HTTP server, and
//! a response built from the spec's examples is decoded and compared with them.
{% for c in resources %}
{%- let r = c.r %}
{%- let endpoints = r.members.endpoints %}
#[cfg(feature = {{ r.type_literal() }})]
mod {{ r.module }} {
    #[allow(unused_imports)]
    use crate::harness::*;
    #[allow(unused_imports)]
    use commercelayer::{{ r.module }}::*;

    /// A `{{ r.type_name }}` resource holding every example of its spec.
    const RESOURCE: &str = {{ c.resource_json }};

    fn check(resource: &{{ r.struct_name }}) {
    {%- for line in c.checks %}
        {{ line }}
    {%- endfor %}
    }

    #[tokio::test]
    async fn every_action() {
        let api = Api::start().await;
    {%- if let Some(e) = endpoints.list %}

        let (page, request) = api.exchange(200, list_document(RESOURCE), api.client().{{ r.accessor }}().{{ e.rust }}()).await;
        request.expect("GET", "/api/{{ r.type_name }}", None);
        let page = page.expect("the list decodes");
        assert_eq!(page.meta.record_count, 1);
        check(&page.data[0]);
    {%- endif %}
    {%- if let Some(e) = endpoints.retrieve %}

        {%- if r.singleton %}
        let (answer, request) = api.exchange(200, document(RESOURCE), api.client().{{ r.accessor }}().{{ e.rust }}()).await;
        request.expect("GET", "/api/{{ r.singular }}", None);
        {%- else %}
        let (answer, request) = api.exchange(200, document(RESOURCE), api.client().{{ r.accessor }}().{{ e.rust }}(ID)).await;
        request.expect("GET", &format!("/api/{{ r.type_name }}/{ID}"), None);
        {%- endif %}
        check(&answer.expect("the resource decodes").data);
    {%- endif %}
    {%- if let Some(e) = endpoints.create %}
    {%- if let Some(w) = c.create %}

        let body = {{ w.body }}{{ w.build }};
        let (answer, request) = api.exchange(201, document(RESOURCE), api.client().{{ r.accessor }}().{{ e.rust }}(&body)).await;
        request.expect("POST", "/api/{{ r.type_name }}", Some({{ w.expected }}));
        check(&answer.expect("the created resource decodes").data);
    {%- endif %}
    {%- endif %}
    {%- if let Some(e) = endpoints.update %}
    {%- if let Some(w) = c.update %}

        let body = {{ w.body }}{{ w.build }};
        let (answer, request) = api.exchange(200, document(RESOURCE), api.client().{{ r.accessor }}().{{ e.rust }}(ID, &body)).await;
        request.expect("PATCH", &format!("/api/{{ r.type_name }}/{ID}"), Some({{ w.expected }}));
        check(&answer.expect("the updated resource decodes").data);
    {%- endif %}
    {%- endif %}
    {%- for (method, body) in c.triggers %}

        let (answer, request) = api.exchange(200, document(RESOURCE), api.client().{{ r.accessor }}().{{ method }}(ID)).await;
        request.expect("PATCH", &format!("/api/{{ r.type_name }}/{ID}"), Some({{ body }}));
        check(&answer.expect("the resource decodes").data);
    {%- endfor %}
    {%- if let Some(e) = endpoints.delete %}

        let (result, request) = api.exchange(204, String::new(), api.client().{{ r.accessor }}().{{ e.rust }}(ID)).await;
        request.expect("DELETE", &format!("/api/{{ r.type_name }}/{ID}"), None);
        result.expect("an empty 204 is a successful delete");
    {%- endif %}
    }
}
{%- endfor %}
