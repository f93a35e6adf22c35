//! A bounded mutation test of the response decoder, over real HTTP: valid JSON:API documents
//! (the seed's `201` answer, a list page with `included` resources, an errors document) are
//! mutated (truncated, cut, spliced with hostile tokens, huge strings, terminal escapes, the
//! bearer token in several encodings, other types) and served by a loopback server; every
//! answer must decode or fail with an error whose texts are bounded, free of control
//! characters and of the token. Never a panic.
//!
//! It runs `COMMERCELAYER_FUZZ_ITERATIONS` mutations of each document (500 by default, a few
//! seconds); a maintainer's longer run sets it higher, and `COMMERCELAYER_FUZZ_SEED` to vary
//! the mutations (the seed is printed, so a failure can be replayed):
//!
//! ```sh
//! COMMERCELAYER_FUZZ_ITERATIONS=100000 cargo test -p commercelayer --release --test decode_fuzz
//! ```
#![cfg(feature = "customer_groups")]

mod common;

use std::sync::{Arc, Mutex};

use commercelayer::error::{MAX_ERROR_BODY, MAX_ERROR_TEXT};
use commercelayer::jsonapi::GenericResource;
use commercelayer::{Client, Error};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use common::{SEED_RESPONSE, group, page_document};

/// The token the client sends, which answers echo in some mutations.
const TOKEN: &str = "fuzz-SECRET/tok+en";

/// splitmix64: small, fast, and the same sequence everywhere for a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// What a mutation may splice in.
fn tokens() -> Vec<Vec<u8>> {
    let mut tokens: Vec<Vec<u8>> = [
        "null",
        "true",
        "[]",
        "{}",
        "\"",
        "\\",
        ",",
        ":",
        "\\u0000",
        "\\ud800",
        "\\u001b[31m",
        "\\u202e",
        "1e999",
        "-1",
        "18446744073709551616",
        "\"yesterday\"",
        "\"type\":\"skus\",",
        "{\"type\":\"skus\",\"id\":\"x\"}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        "\"data\":",
        "\"included\":[{\"type\":\"markets\",\"id\":\"m\",\"attributes\":{\"name\":5}}],",
        "fuzz-SECRET/tok+en",
        "fuzz-SECRET%2Ftok%2Ben",
        "fuzz-SECRET\\/tok+en",
    ]
    .iter()
    .map(|token| token.as_bytes().to_vec())
    .collect();
    tokens.push(vec![0x1b, b'[', b'2', b'J']);
    tokens.push(vec![0xff, 0xfe, 0x00, 0x7f]);
    tokens.push(b"\r\n\t\x07".to_vec());
    tokens
}

/// `document` with one to three mutations.
fn mutate(document: &[u8], rng: &mut Rng, tokens: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = document.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(8) {
            0 => bytes.truncate(at),
            1 => {
                let end = (at + 1 + rng.below(16)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            2 | 3 => {
                let token = &tokens[rng.below(tokens.len())];
                bytes.splice(at..at, token.iter().copied());
            }
            4 if !bytes.is_empty() => {
                let at = at.min(bytes.len() - 1);
                bytes[at] = b"{}[]\",:0a\\ "[rng.below(11)];
            }
            5 if !bytes.is_empty() => {
                let at = at.min(bytes.len() - 1);
                bytes[at] = rng.next() as u8;
            }
            6 => {
                let end = (at + rng.below(64)).min(bytes.len());
                let copy = bytes[at.min(end)..end].to_vec();
                bytes.splice(at..at, copy);
            }
            _ => {
                // A huge string where a string starts, or a long run of garbage.
                let huge = match rng.below(3) {
                    0 => "x".repeat(100_000),
                    1 => format!("{TOKEN} ").repeat(2_000),
                    _ => "\\u001b]0;pwned\\u0007".repeat(5_000),
                };
                match bytes[at..].iter().position(|&b| b == b'"') {
                    Some(quote) => {
                        let at = at + quote + 1;
                        bytes.splice(at..at, huge.bytes());
                    }
                    None => bytes.extend_from_slice(huge.as_bytes()),
                }
            }
        }
    }
    bytes
}

/// A loopback server answering each request with the status and body set last.
struct Server {
    base: String,
    next: Arc<Mutex<(u16, Vec<u8>)>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        let next = Arc::new(Mutex::new((200, Vec::new())));
        let answers = next.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let answers = answers.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, answers).await;
                });
            }
        });
        Self { base, next, task }
    }

    fn answer(&self, status: u16, body: Vec<u8>) {
        *self.next.lock().expect("not poisoned") = (status, body);
    }
}

/// Answers every request of a keep-alive connection.
async fn serve(mut stream: TcpStream, answers: Arc<Mutex<(u16, Vec<u8>)>>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut read = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let head_end = loop {
            if let Some(at) = read.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            read.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&read[..head_end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse::<usize>().ok())
            .unwrap_or(0);
        while read.len() < head_end + length {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            read.extend_from_slice(&chunk[..n]);
        }
        read.drain(..head_end + length);
        let (status, body) = answers.lock().expect("not poisoned").clone();
        let head = format!(
            "HTTP/1.1 {status} Answer\r\ncontent-type: application/vnd.api+json\r\n\
             content-length: {}\r\n\r\n",
            body.len()
        );
        // One write (and no Nagle delay): the client must not wait for a delayed ACK.
        let mut answer = head.into_bytes();
        answer.extend_from_slice(&body);
        stream.write_all(&answer).await?;
    }
}

/// Up to 200 bytes of `text` around `form`.
fn around(text: &str, form: &str) -> String {
    let at = text.find(form).unwrap_or(0);
    let start = (at.saturating_sub(100)..=at)
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(at);
    let end = (at + form.len() + 100).min(text.len());
    let end = (end..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    format!("{:?}", &text[start..end])
}

/// Checks what an error carries: bounded texts, no control character in its Display, no
/// token anywhere.
fn check(error: &Error, status: u16, input: &[u8]) {
    let display = error.to_string();
    let debug = format!("{error:?}");
    let context = || {
        format!(
            "{:?}",
            String::from_utf8_lossy(&input[..input.len().min(300)])
        )
    };
    assert!(
        display.len() <= 8 * 1024,
        "{} bytes: {}",
        display.len(),
        context()
    );
    assert!(
        !display.chars().any(char::is_control),
        "{display:?} for {}",
        context()
    );
    assert!(debug.len() <= 4 * MAX_ERROR_BODY, "{} bytes", debug.len());
    // The token, whole, in the forms the mutations splice in (a mutation may also cut it,
    // leaving a part that is no longer the secret).
    for form in [TOKEN, "fuzz-SECRET%2Ftok%2Ben", "fuzz-SECRET\\/tok+en"] {
        assert!(
            !display.contains(form),
            "{} for {}",
            around(&display, form),
            context()
        );
    }
    for form in [TOKEN, "fuzz-SECRET%2Ftok%2Ben"] {
        assert!(
            !debug.contains(form),
            "{} for {}",
            around(&debug, form),
            context()
        );
    }
    if let Some(body) = error.body() {
        assert!(body.len() <= MAX_ERROR_BODY + 64, "{}", body.len());
        assert!(!body.contains('\u{1b}'), "{}", context());
    }
    match (status, error) {
        (200, Error::Decode { path, message, .. }) => {
            assert!(path.len() <= MAX_ERROR_TEXT + 32, "{}", path.len());
            assert!(message.len() <= MAX_ERROR_TEXT + 32, "{}", message.len());
            assert!(!message.is_empty());
        }
        (422, Error::Api { errors, .. }) => {
            for api_error in errors {
                for text in [&api_error.detail, &api_error.title, &api_error.code]
                    .into_iter()
                    .flatten()
                {
                    assert!(text.len() <= MAX_ERROR_TEXT + 32, "{}", text.len());
                }
            }
        }
        (422, Error::UnexpectedResponse { .. }) => {}
        (_, other) => panic!("a {status} answer gave {other:?}"),
    }
    assert!(error.request().is_some(), "{error:?}");
}

#[tokio::test]
async fn mutated_documents_decode_or_fail_cleanly() {
    let iterations: usize = std::env::var("COMMERCELAYER_FUZZ_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(500);
    let seed: u64 = std::env::var("COMMERCELAYER_FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x00C0_FFEE);
    println!("{iterations} mutations of each document, seed {seed}");
    let mut rng = Rng(seed);
    let tokens = tokens();

    let mut listed = vec![group("g1", "VIP"), group("g2", "Gold")];
    listed[1]["relationships"] =
        json!({ "markets": { "data": [{ "type": "markets", "id": "m1" }] } });
    let mut page: serde_json::Value =
        serde_json::from_str(&page_document(listed, 1, 2, 4)).expect("a page");
    page["included"] = json!([
        { "type": "markets", "id": "m1", "attributes": { "name": "Europe", "created_at": "2018-01-01T12:00:00.000Z" } },
        group("g9", "Included")
    ]);
    let errors = json!({ "errors": [
        { "title": "can't be blank", "detail": "name - can't be blank", "code": "VALIDATION_ERROR",
          "source": { "pointer": "/data/attributes/name" }, "status": "422", "meta": { "error": "blank" } },
        { "title": "is invalid", "detail": "token fuzz-SECRET/tok+en is invalid", "code": "INVALID" }
    ]});
    let documents: [(u16, Vec<u8>); 3] = [
        (200, SEED_RESPONSE.as_bytes().to_vec()),
        (200, page.to_string().into_bytes()),
        (422, errors.to_string().into_bytes()),
    ];

    let server = Server::start().await;
    let client = Client::builder()
        .base_url(format!("{}/api", server.base))
        .access_token(TOKEN)
        .max_retries(0)
        .build()
        .expect("a client");
    let groups = client.customer_groups();

    let (mut decoded, mut failed) = (0, 0);
    for (index, (status, document)) in documents.iter().enumerate() {
        for _ in 0..iterations {
            let input = mutate(document, &mut rng, &tokens);
            server.answer(*status, input.clone());
            let outcome = if index == 1 {
                groups.list().send().await.map(|page| {
                    for resource in page.included.all::<GenericResource>() {
                        if let Err(error) = resource {
                            check(&error, 200, &input);
                        }
                    }
                })
            } else {
                groups.retrieve("g1").send().await.map(drop)
            };
            match outcome {
                Ok(()) => decoded += 1,
                Err(error) => {
                    failed += 1;
                    check(&error, *status, &input);
                }
            }
        }
    }
    println!("{decoded} decoded, {failed} failed cleanly");
    assert_eq!(decoded + failed, 3 * iterations);
    assert!(failed > 0, "the mutations reached the decoder");
}
