//! HTTPS checks against local TLS servers: certificates made by the test with rcgen, served by
//! a small tokio-rustls proxy in front of the std test server.
//!
//! * a self-signed certificate: `security/tls-invalid`, the page still audited and marked
//!   `tls.verified = false`;
//! * with `--ca-cert` trusting the test CA: a valid certificate passes; an expired one and one
//!   for another name are reported as such;
//! * mixed content on the HTTPS page, HSTS missing, `http://` not redirected, no HTTPS.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use assert_cmd::Command;
use common::server::{Response, Site, TestServer};
use rcgen::{CertificateParams, IsCa, Issuer, KeyPair};
use serde_json::Value;

/// A TLS listener on 127.0.0.1 forwarding decrypted bytes to a plain test server.
struct TlsProxy {
    port: u16,
    _rt: tokio::runtime::Runtime,
}

fn tls_proxy(backend: SocketAddr, chain: Vec<Vec<u8>>, key: Vec<u8>) -> TlsProxy {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            chain.into_iter().map(CertificateDer::from).collect(),
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
        )
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    rt.spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                break;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(sock).await else {
                    return;
                };
                let Ok(mut back) = tokio::net::TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut back).await;
            });
        }
    });
    TlsProxy { port, _rt: rt }
}

struct Ca {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

fn ca() -> Ca {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "govaudit test CA");
    let cert = params.self_signed(&key).expect("ca cert");
    Ca {
        pem: cert.pem(),
        issuer: Issuer::new(params, key),
    }
}

/// A leaf certificate (DER) and its key (PKCS#8 DER), signed by `ca` or self-signed.
fn leaf(names: &[&str], ca: Option<&Ca>, expired: bool) -> (Vec<Vec<u8>>, Vec<u8>) {
    let key = KeyPair::generate().expect("key");
    let mut params =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .expect("params");
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let cert = match ca {
        Some(ca) => params.signed_by(&key, &ca.issuer).expect("signed"),
        None => params.self_signed(&key).expect("self-signed"),
    };
    (vec![cert.der().to_vec()], key.serialize_der())
}

fn audit(args: &[&str]) -> Value {
    let out = Command::cargo_bin("govaudit")
        .expect("binary")
        .args(["audit", "-f", "json", "--no-progress", "--no-sitemaps"])
        .args(["--timeout", "3", "--retries", "0"])
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn site_rules(v: &Value) -> Vec<String> {
    v["sites"][0]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect()
}

fn finding<'a>(v: &'a Value, rule: &str) -> Option<&'a Value> {
    v["sites"][0]["findings"]
        .as_array()?
        .iter()
        .find(|f| f["rule"] == rule)
}

fn backend() -> TestServer {
    Site::new()
        .page(
            "/",
            "<html lang=\"zh-CN\"><head><title>首页</title><script src=\"http://pucha.kaipuyun.cn/exposure/jiucuo.js\"></script></head><body><a href=\"/a.html\">a</a><img src=\"http://127.0.0.1:9/x.png\" alt=\"x\"></body></html>",
        )
        .page("/a.html", "<html><head><title>A</title></head><body>a</body></html>")
        .serve()
}

#[test]
fn self_signed_certificate_is_reported_and_the_site_still_audited() {
    let back = backend();
    let (chain, key) = leaf(&["localhost", "127.0.0.1"], None, false);
    let tls = tls_proxy(back.addr(), chain, key);
    let start = format!("https://localhost:{}/", tls.port);
    let v = audit(&[
        &start,
        "--resolve",
        "localhost=127.0.0.1",
        "--skip-external",
    ]);
    assert_eq!(v["summary"]["pages"], 2, "{v}");
    let f = finding(&v, "security/tls-invalid").expect("tls-invalid");
    assert_eq!(f["data"]["problem"], "untrusted");
    assert_eq!(f["data"]["pages_unverified"], 2);
    for p in v["pages"].as_array().expect("pages") {
        assert_eq!(p["tls"]["verified"], false, "{p}");
        assert_eq!(p["status"], 200);
    }
    // The HTTPS page loads an http:// script (active) and an http:// image (passive).
    let mixed: Vec<&Value> = v["sites"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "security/mixed-content")
        .collect();
    assert_eq!(mixed.len(), 2, "{mixed:?}");
    assert!(mixed.iter().any(|f| f["data"]["active"] == true
        && f["data"]["resource"] == "http://pucha.kaipuyun.cn/exposure/jiucuo.js"));
    // No HSTS header on the home page.
    assert!(site_rules(&v).contains(&"security/hsts-missing".to_string()));
    assert!(!site_rules(&v).contains(&"security/no-https".to_string()));
}

#[test]
fn trusted_expired_and_wrong_host_certificates() {
    let back = backend();
    let ca = ca();
    let dir = tempfile::tempdir().expect("tmp");
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &ca.pem).expect("write ca");
    let ca_arg = ca_file.to_str().expect("path");

    let (chain, key) = leaf(&["www.example.gov.cn"], Some(&ca), false);
    let good = tls_proxy(back.addr(), chain, key);
    let (chain, key) = leaf(&["www.example.gov.cn"], Some(&ca), true);
    let expired = tls_proxy(back.addr(), chain, key);
    let (chain, key) = leaf(&["other.example.gov.cn"], Some(&ca), false);
    let wrong = tls_proxy(back.addr(), chain, key);

    let run = |port: u16| {
        audit(&[
            &format!("https://www.example.gov.cn:{port}/"),
            "--resolve",
            "www.example.gov.cn=127.0.0.1",
            "--ca-cert",
            ca_arg,
            "--skip-external",
        ])
    };
    let v = run(good.port);
    assert!(finding(&v, "security/tls-invalid").is_none(), "{v}");
    assert!(v["pages"][0].get("tls").is_none());
    assert_eq!(v["summary"]["pages"], 2);

    let v = run(expired.port);
    let f = finding(&v, "security/tls-invalid").expect("expired");
    assert_eq!(f["data"]["problem"], "expired");
    assert_eq!(v["summary"]["pages"], 2, "still audited");

    let v = run(wrong.port);
    let f = finding(&v, "security/tls-invalid").expect("wrong host");
    assert_eq!(f["data"]["problem"], "wrong-host");
}

#[test]
fn http_and_https_probes() {
    let back = backend();
    let (chain, key) = leaf(&["localhost", "127.0.0.1"], None, false);
    let tls = tls_proxy(back.addr(), chain, key);
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };

    // http:// site, nothing on the HTTPS port: no HTTPS.
    let v = audit(&[
        &back.url("/"),
        "--https-port",
        &closed.to_string(),
        "--skip-external",
    ]);
    assert!(
        site_rules(&v).contains(&"security/no-https".to_string()),
        "{v}"
    );
    assert!(!site_rules(&v).contains(&"security/http-not-redirected".to_string()));

    // http:// site with HTTPS on the probed port, not redirected: notice (and the certificate
    // problem of the HTTPS side).
    let v = audit(&[
        &back.url("/"),
        "--https-port",
        &tls.port.to_string(),
        "--skip-external",
    ]);
    let rules = site_rules(&v);
    assert!(
        !rules.contains(&"security/no-https".to_string()),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"security/http-not-redirected".to_string()),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"security/tls-invalid".to_string()),
        "{rules:?}"
    );

    // https:// site whose http:// port redirects to HTTPS: fine; one that serves pages over
    // http:// too: notice.
    let https_start = format!("https://127.0.0.1:{}/", tls.port);
    let redirecting = Site::new().redirect("/", 301, &https_start).serve();
    let v = audit(&[
        &https_start,
        "--http-port",
        &redirecting.port().to_string(),
        "--skip-external",
    ]);
    assert!(
        !site_rules(&v).contains(&"security/http-not-redirected".to_string()),
        "{v}"
    );
    let v = audit(&[
        &https_start,
        "--http-port",
        &back.port().to_string(),
        "--skip-external",
    ]);
    assert!(site_rules(&v).contains(&"security/http-not-redirected".to_string()));

    // With HSTS on the home page: no hsts-missing.
    let hsts_back = Site::new()
        .response(
            "/",
            Response::html("<title>x</title>")
                .header("Strict-Transport-Security", "max-age=31536000"),
        )
        .serve();
    let (chain, key) = leaf(&["127.0.0.1"], None, false);
    let hsts = tls_proxy(hsts_back.addr(), chain, key);
    let v = audit(&[
        &format!("https://127.0.0.1:{}/", hsts.port),
        "--skip-external",
    ]);
    assert!(
        !site_rules(&v).contains(&"security/hsts-missing".to_string()),
        "{v}"
    );
}
