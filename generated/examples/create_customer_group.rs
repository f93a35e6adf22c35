//! Creates a customer group named `VIP` and prints it.
//!
//! ```sh
//! cargo run -p commercelayer --example create_customer_group
//! ```
//!
//! With `COMMERCELAYER_BASE_URL` (such as `https://acme.commercelayer.io/api`) set, and either
//! `COMMERCELAYER_CLIENT_ID` (client credentials, with the optional `COMMERCELAYER_CLIENT_SECRET`,
//! `COMMERCELAYER_SCOPE` and `COMMERCELAYER_AUTH_URL`) or `COMMERCELAYER_ACCESS_TOKEN`, it
//! creates the group through that API; a client id takes precedence over a token. Otherwise it
//! starts a local stand-in on 127.0.0.1 that answers the request exactly as the API's
//! documentation does, so it runs anywhere. It says on stdout which one it used. When the API
//! refuses, it prints the error to stderr and exits with a failure status.

use std::env;
use std::error::Error;
use std::io::{self, Write};
use std::process::ExitCode;

use commercelayer::customer_groups::{CustomerGroup, CustomerGroupCreate};
use commercelayer::{Client, JSON_API};
use wiremock::matchers::{any, bearer_token, body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The variable holding the API's base URL.
pub const BASE_URL_VAR: &str = "COMMERCELAYER_BASE_URL";
/// The variable holding an access token.
pub const ACCESS_TOKEN_VAR: &str = "COMMERCELAYER_ACCESS_TOKEN";
/// The variable holding a client id, to authenticate with client credentials.
pub const CLIENT_ID_VAR: &str = "COMMERCELAYER_CLIENT_ID";
/// The variable holding the client secret, for integration applications.
pub const CLIENT_SECRET_VAR: &str = "COMMERCELAYER_CLIENT_SECRET";
/// The variable holding the scope to ask for, such as `market:code:europe`.
pub const SCOPE_VAR: &str = "COMMERCELAYER_SCOPE";
/// The variable holding the token endpoint, when not Commerce Layer's own.
pub const AUTH_URL_VAR: &str = "COMMERCELAYER_AUTH_URL";

/// The token the example sends to the stand-in, which accepts only it.
const STAND_IN_TOKEN: &str = "stand-in-access-token";

/// The request the API documents for creating a customer group named `VIP`.
pub const DOCUMENTED_REQUEST: &str =
    r#"{"data":{"type":"customer_groups","attributes":{"name":"VIP"}}}"#;

/// The `201 Created` the API documents for that request (from its "Create a customer group"
/// page), verbatim.
pub const DOCUMENTED_RESPONSE: &str = r#"{
  "data": {
    "id": "xYZkjABcde",
    "type": "customer_groups",
    "links": {
      "self": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde"
    },
    "attributes": {
      "name": "VIP",
      "created_at": "2018-01-01T12:00:00.000Z",
      "updated_at": "2018-01-01T12:00:00.000Z",
      "reference": "ANY-EXTERNAL-REFEFERNCE",
      "reference_origin": "ANY-EXTERNAL-REFEFERNCE-ORIGIN",
      "metadata": {
        "foo": "bar"
      }
    },
    "relationships": {
      "customers": {
        "links": {
          "self": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde/relationships/customers",
          "related": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde/customers"
        }
      },
      "markets": {
        "links": {
          "self": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde/relationships/markets",
          "related": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde/markets"
        }
      },
      "attachments": {
        "links": {
          "self": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde/relationships/attachments",
          "related": "https://yourdomain.commercelayer.io/api/customer_groups/xYZkjABcde/attachments"
        }
      }
    },
    "meta": {
      "mode": "test"
    }
  }
}"#;

/// How the example authenticates to a real API.
pub enum Auth {
    /// An access token, sent as it is.
    AccessToken(String),
    /// Client credentials, exchanged for access tokens by the client.
    ClientCredentials {
        client_id: String,
        client_secret: Option<String>,
        scope: Option<String>,
        /// The token endpoint, when not Commerce Layer's own.
        auth_url: Option<String>,
    },
}

/// Where the example sends its request.
pub enum Target {
    /// A real Commerce Layer API.
    Api { base_url: String, auth: Auth },
    /// The local stand-in.
    StandIn,
}

/// The environment variables the example reads, as found.
#[derive(Default)]
pub struct Vars {
    pub base_url: Option<String>,
    pub access_token: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub scope: Option<String>,
    pub auth_url: Option<String>,
}

impl Vars {
    /// The variables of this process's environment.
    pub fn from_env() -> Self {
        let var = |name| env::var(name).ok();
        Self {
            base_url: var(BASE_URL_VAR),
            access_token: var(ACCESS_TOKEN_VAR),
            client_id: var(CLIENT_ID_VAR),
            client_secret: var(CLIENT_SECRET_VAR),
            scope: var(SCOPE_VAR),
            auth_url: var(AUTH_URL_VAR),
        }
    }
}

impl Target {
    /// The API named by the environment, or the stand-in when it names none.
    pub fn from_env() -> Self {
        Self::from_vars(Vars::from_env())
    }

    /// The API when a base URL and a way to authenticate (a client id, else a token) are
    /// given, else the stand-in. An empty variable counts as unset.
    pub fn from_vars(vars: Vars) -> Self {
        let given = |value: Option<String>| value.filter(|v| !v.is_empty());
        let Some(base_url) = given(vars.base_url) else {
            return Target::StandIn;
        };
        let auth = match (given(vars.client_id), given(vars.access_token)) {
            (Some(client_id), _) => Auth::ClientCredentials {
                client_id,
                client_secret: given(vars.client_secret),
                scope: given(vars.scope),
                auth_url: given(vars.auth_url),
            },
            (None, Some(access_token)) => Auth::AccessToken(access_token),
            (None, None) => return Target::StandIn,
        };
        Target::Api { base_url, auth }
    }
}

/// Creates the `VIP` group on `target`, writing to `out` which server it used and the group.
pub async fn run(target: Target, out: &mut impl Write) -> Result<(), Box<dyn Error>> {
    // The stand-in, when used, must outlive the request: it stops when dropped.
    let (client, _stand_in) = match target {
        Target::Api { base_url, auth } => {
            let builder = Client::builder().base_url(&base_url);
            let (builder, how) = match auth {
                Auth::AccessToken(token) => (builder.access_token(token), "an access token"),
                Auth::ClientCredentials {
                    client_id,
                    client_secret,
                    scope,
                    auth_url,
                } => {
                    let mut builder = builder.client_id(client_id);
                    if let Some(secret) = client_secret {
                        builder = builder.client_secret(secret);
                    }
                    if let Some(scope) = scope {
                        builder = builder.scope(scope);
                    }
                    if let Some(url) = auth_url {
                        builder = builder.auth_url(url);
                    }
                    (builder, "client credentials")
                }
            };
            writeln!(out, "using the Commerce Layer API at {base_url} with {how}")?;
            (builder.build()?, None)
        }
        Target::StandIn => {
            let stand_in = start_stand_in().await;
            let base_url = format!("{}/api", stand_in.uri());
            writeln!(
                out,
                "using a local stand-in for the API at {base_url} \
                 (set {BASE_URL_VAR} and {CLIENT_ID_VAR} or {ACCESS_TOKEN_VAR} to use a real one)"
            )?;
            (Client::new(&base_url, STAND_IN_TOKEN)?, Some(stand_in))
        }
    };

    let group = client
        .customer_groups()
        .create(&CustomerGroupCreate::new("VIP"))
        .await?
        .data;
    print_group(&group, out)?;
    Ok(())
}

/// Starts a server on 127.0.0.1 that answers the documented request with the documented
/// `201 Created`, and anything else with a JSON:API `400` saying so.
async fn start_stand_in() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/customer_groups"))
        .and(header("accept", JSON_API))
        .and(header("content-type", JSON_API))
        .and(bearer_token(STAND_IN_TOKEN))
        .and(body_string(DOCUMENTED_REQUEST))
        .respond_with(ResponseTemplate::new(201).set_body_raw(DOCUMENTED_RESPONSE, JSON_API))
        .mount(&server)
        .await;
    let refusal = r#"{"errors":[{"title":"not the documented request","detail":"the stand-in answers only the documented request to create the VIP customer group","code":"BAD_REQUEST","status":"400"}]}"#;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(400).set_body_raw(refusal, JSON_API))
        .with_priority(u8::MAX)
        .mount(&server)
        .await;
    server
}

fn print_group(group: &CustomerGroup, out: &mut impl Write) -> io::Result<()> {
    fn or_dash(value: Option<impl ToString>) -> String {
        value.map_or_else(|| "-".to_string(), |v| v.to_string())
    }
    let attributes = &group.attributes;
    let metadata = attributes
        .metadata
        .as_ref()
        .map(|metadata| serde_json::Value::Object(metadata.clone()));
    writeln!(out, "created customer group {}", group.id)?;
    writeln!(
        out,
        "  name:             {}",
        or_dash(attributes.name.as_ref())
    )?;
    writeln!(
        out,
        "  code:             {}",
        or_dash(attributes.code.as_ref())
    )?;
    writeln!(
        out,
        "  reference:        {}",
        or_dash(attributes.reference.as_ref())
    )?;
    writeln!(
        out,
        "  reference_origin: {}",
        or_dash(attributes.reference_origin.as_ref())
    )?;
    writeln!(out, "  metadata:         {}", or_dash(metadata))?;
    writeln!(
        out,
        "  created_at:       {}",
        or_dash(attributes.created_at)
    )?;
    writeln!(
        out,
        "  updated_at:       {}",
        or_dash(attributes.updated_at)
    )?;
    writeln!(
        out,
        "  mode:             {}",
        or_dash(group.meta.mode.as_ref())
    )?;
    writeln!(
        out,
        "  url:              {}",
        or_dash(group.links.self_.as_ref())
    )
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Target::from_env(), &mut io::stdout()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
