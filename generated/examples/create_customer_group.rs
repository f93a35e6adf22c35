//! Creates a customer group named `VIP` and prints it.
//!
//! ```sh
//! cargo run -p commercelayer --example create_customer_group
//! ```
//!
//! With `COMMERCELAYER_BASE_URL` (such as `https://acme.commercelayer.io/api`) set, and either
//! `COMMERCELAYER_CLIENT_ID` (client credentials, with the optional `COMMERCELAYER_CLIENT_SECRET`,
//! `COMMERCELAYER_SCOPE` and `COMMERCELAYER_AUTH_URL`) or `COMMERCELAYER_ACCESS_TOKEN`, it
//! creates the group through that API; a client id takes precedence over a token. With no
//! `COMMERCELAYER_*` variable set at all, it starts a local stand-in on 127.0.0.1 that answers
//! the request exactly as the API's documentation does, so it runs anywhere. Anything in
//! between (a base URL without credentials, credentials without a base URL, a secret without a
//! client id, a `COMMERCELAYER_*` variable it does not know) is an error naming what is
//! missing or wrong, and nothing is sent. An empty variable counts as unset. It says on stdout
//! which server it used. When the configuration is incomplete or the API refuses, it prints
//! the error to stderr and exits with a failure status.

use std::env;
use std::error::Error;
use std::ffi::OsString;
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

/// The prefix of every variable the example reads; any other variable with it is a mistake.
pub const PREFIX: &str = "COMMERCELAYER_";

/// Every variable the example reads.
pub const VARS: [&str; 6] = [
    BASE_URL_VAR,
    CLIENT_ID_VAR,
    CLIENT_SECRET_VAR,
    SCOPE_VAR,
    AUTH_URL_VAR,
    ACCESS_TOKEN_VAR,
];

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

/// The `COMMERCELAYER_*` variables of an environment, as found. An empty variable counts as
/// unset.
#[derive(Default)]
pub struct Vars {
    pub base_url: Option<String>,
    pub access_token: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub scope: Option<String>,
    pub auth_url: Option<String>,
    /// The names of set variables with the prefix that the example does not read (a
    /// misspelling, most likely), in the environment's order.
    pub unknown: Vec<String>,
}

impl Vars {
    /// The variables among `pairs` (name, value): those whose name starts with
    /// `COMMERCELAYER_`, in any case. A value that is not UTF-8 is an error naming the
    /// variable (never its value, which may be a secret).
    pub fn from_pairs(
        pairs: impl IntoIterator<Item = (OsString, OsString)>,
    ) -> Result<Self, String> {
        let mut vars = Self::default();
        for (name, value) in pairs {
            let name = name.to_string_lossy().into_owned();
            if !name.to_ascii_uppercase().starts_with(PREFIX) || value.is_empty() {
                continue;
            }
            let Ok(value) = value.into_string() else {
                return Err(format!("{name} is not valid UTF-8"));
            };
            let slot = match name.as_str() {
                BASE_URL_VAR => &mut vars.base_url,
                ACCESS_TOKEN_VAR => &mut vars.access_token,
                CLIENT_ID_VAR => &mut vars.client_id,
                CLIENT_SECRET_VAR => &mut vars.client_secret,
                SCOPE_VAR => &mut vars.scope,
                AUTH_URL_VAR => &mut vars.auth_url,
                _ => {
                    vars.unknown.push(name);
                    continue;
                }
            };
            *slot = Some(value);
        }
        Ok(vars)
    }

    /// Whether no variable is set (empty ones count as unset).
    fn is_empty(&self) -> bool {
        let Self {
            base_url,
            access_token,
            client_id,
            client_secret,
            scope,
            auth_url,
            unknown,
        } = self;
        [
            base_url,
            access_token,
            client_id,
            client_secret,
            scope,
            auth_url,
        ]
        .iter()
        .all(|value| value.is_none())
            && unknown.is_empty()
    }
}

impl Target {
    /// The stand-in when no variable is set; the API when a base URL and a way to
    /// authenticate (a client id, else a token) are; and otherwise an error saying what is
    /// missing or unknown: half a configuration never falls back to the stand-in.
    pub fn from_vars(vars: Vars) -> Result<Self, String> {
        let given = |value: Option<String>| value.filter(|value| !value.is_empty());
        let vars = Vars {
            base_url: given(vars.base_url),
            access_token: given(vars.access_token),
            client_id: given(vars.client_id),
            client_secret: given(vars.client_secret),
            scope: given(vars.scope),
            auth_url: given(vars.auth_url),
            unknown: vars.unknown,
        };
        if vars.is_empty() {
            return Ok(Target::StandIn);
        }
        let mut problems = Vec::new();
        for name in &vars.unknown {
            problems.push(match closest_known(name) {
                Some(known) => {
                    format!("{name} is not a variable the example reads (did you mean {known}?)")
                }
                None => format!("{name} is not a variable the example reads"),
            });
        }
        if vars.base_url.is_none() {
            problems.push(format!(
                "{BASE_URL_VAR} is not set (such as https://acme.commercelayer.io/api)"
            ));
        }
        let orphans: Vec<&str> = [
            (CLIENT_SECRET_VAR, &vars.client_secret),
            (SCOPE_VAR, &vars.scope),
            (AUTH_URL_VAR, &vars.auth_url),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|_| name))
        .collect();
        if vars.client_id.is_none() && !orphans.is_empty() {
            problems.push(format!(
                "{} {} set but {CLIENT_ID_VAR} is not (they go with client credentials)",
                orphans.join(" and "),
                if orphans.len() == 1 { "is" } else { "are" },
            ));
        } else if vars.client_id.is_none() && vars.access_token.is_none() {
            problems.push(format!(
                "neither {CLIENT_ID_VAR} nor {ACCESS_TOKEN_VAR} is set (one is needed to authenticate)"
            ));
        }
        let auth = match (vars.client_id, vars.access_token) {
            (Some(client_id), _) => Some(Auth::ClientCredentials {
                client_id,
                client_secret: vars.client_secret,
                scope: vars.scope,
                auth_url: vars.auth_url,
            }),
            (None, Some(access_token)) => Some(Auth::AccessToken(access_token)),
            (None, None) => None,
        };
        match (vars.base_url, auth) {
            (Some(base_url), Some(auth)) if problems.is_empty() => {
                Ok(Target::Api { base_url, auth })
            }
            _ => Err(format!(
                "the {PREFIX}* variables do not name a usable API: {}; set what is missing, \
                 or unset every {PREFIX}* variable to use the local stand-in",
                problems.join("; ")
            )),
        }
    }
}

/// The variable the example reads that `name` most likely misspells: the same letters in
/// another case, or at most three edits away.
fn closest_known(name: &str) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    VARS.into_iter()
        .map(|known| (edit_distance(&upper, known), known))
        .filter(|&(distance, _)| distance <= 3)
        .min()
        .map(|(_, known)| known)
}

/// The Levenshtein distance between two strings, by character.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, a) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, &b) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a != b);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// What `main` does, with the environment given: reads the target from `pairs`, then
/// creates the group, writing to `out`. An incomplete configuration sends nothing.
pub async fn run_with_env(
    pairs: impl IntoIterator<Item = (OsString, OsString)>,
    out: &mut impl Write,
) -> Result<(), Box<dyn Error>> {
    let target = Vars::from_pairs(pairs).and_then(Target::from_vars)?;
    run(target, out).await
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
    match run_with_env(env::vars_os(), &mut io::stdout()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
