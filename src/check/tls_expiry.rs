//! `tls_expiry`: the certificate a host presents must be valid for more than `warn_days`
//! (else WARNING) and `error_days` (else ERROR); an expired one is an ERROR.
//!
//! Connects with rustls (ring), records the server's end-entity certificate during the
//! handshake and reads its notAfter with x509-parser. It deliberately accepts any certificate
//! chain: this check is about the calendar, so an expired or self-signed certificate must
//! still be read and reported with its date. Whether a site is trusted is what an `http`
//! check against its https URL verifies. Nothing is sent beyond the handshake.

use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use jiff::Timestamp;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};

use super::Cx;
use super::params::Params as Reader;
use super::kind::{Check, CheckKind, runnable};
use super::row::Finding;
use crate::yaml::Entry;

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub host: String,
    pub port: u16,
    pub warn_days: i64,
    pub error_days: i64,
}

impl Params {
    pub fn read(rest: &[&Entry], p: &mut Reader) -> Option<Params> {
        let mut out = Params {
            host: String::new(),
            port: 443,
            warn_days: 21,
            error_days: 7,
        };
        let mut host = None;
        for e in p.keys(rest, &["host", "port", "warn_days", "error_days"]) {
            match e.key.as_str() {
                "host" => host = p.text(e),
                "port" => match p.uint(e) {
                    Some(n @ 1..=65535) => out.port = n as u16,
                    Some(n) => p.error(e.node.pos, format!("`port` {n} is not a TCP port")),
                    None => {}
                },
                "warn_days" => out.warn_days = p.uint(e).map_or(out.warn_days, |d| d as i64),
                _ => out.error_days = p.uint(e).map_or(out.error_days, |d| d as i64),
            }
        }
        if out.error_days > out.warn_days {
            let at = p.kind_pos();
            p.error(
                at,
                format!(
                    "`error_days` ({}) is more than `warn_days` ({})",
                    out.error_days, out.warn_days
                ),
            );
        }
        out.host = p.require(host, "host")?;
        Some(out)
    }

    pub fn item(&self) -> String {
        if self.port == 443 {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

pub struct Kind;

impl CheckKind for Kind {
    fn name(&self) -> &'static str {
        "tls_expiry"
    }

    fn read(&self, rest: &[&Entry], p: &mut Reader) -> Option<Arc<dyn Check>> {
        runnable(Params::read(rest, p))
    }
}

impl Check for Params {
    fn run(&self, cx: &Cx) -> Result<Vec<Finding>, String> {
        run(self, cx)
    }

    fn default_item(&self) -> String {
        self.item()
    }
}

fn run(p: &Params, cx: &Cx) -> Result<Vec<Finding>, String> {
    let host = cx.expand(&p.host)?;
    let der = fetch_certificate(&host, p.port, cx)?;
    let (_, cert) = x509_parser::parse_x509_certificate(&der)
        .map_err(|e| format!("cannot read the certificate: {e}"))?;
    let not_after = cert.validity().not_after.timestamp();
    let subject = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(|cn| format!("certificate for {cn}"))
        .unwrap_or_else(|| "certificate".into());
    Ok(vec![judge(p, &subject, not_after, cx.now)])
}

fn judge(p: &Params, subject: &str, not_after: i64, now: Timestamp) -> Finding {
    let left = not_after - now.as_second();
    let days = left.div_euclid(86_400);
    let date = Timestamp::from_second(not_after)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| "an unreadable date".into());
    let plural = if days == 1 { "" } else { "s" };
    let item = p.item();
    if left <= 0 {
        Finding::error(item, format!("the {subject} expired on {date}"))
    } else if days <= p.error_days {
        Finding::error(
            item,
            format!(
                "the {subject} expires in {days} day{plural} ({date}); the error limit is {} days",
                p.error_days
            ),
        )
    } else if days <= p.warn_days {
        Finding::warning(
            item,
            format!(
                "the {subject} expires in {days} day{plural} ({date}); the warning limit is {} days",
                p.warn_days
            ),
        )
    } else {
        Finding::ok(
            item,
            format!("the {subject} expires in {days} day{plural} ({date})"),
        )
    }
}

/// Handshakes with `host:port` and returns the DER of the certificate it presents.
fn fetch_certificate(host: &str, port: u16, cx: &Cx) -> Result<Vec<u8>, String> {
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host} has no address"))?;
    let within = || format!("within {}", super::runner::human(cx.timeout));
    let mut sock = TcpStream::connect_timeout(&addr, cx.remaining()).map_err(|e| {
        if timed_out(&e) {
            format!("cannot connect to {host}:{port}: no answer {}", within())
        } else {
            format!("cannot connect to {host}:{port}: {e}")
        }
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let capture = Arc::new(Capture {
        provider: Arc::clone(&provider),
        cert: Mutex::new(None),
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(capture.clone())
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| format!("`{host}` is not a valid host name"))?;
    let mut conn = ClientConnection::new(Arc::new(config), name)
        .map_err(|e| format!("TLS setup failed: {e}"))?;
    let failed = |why: String| format!("TLS handshake with {host}:{port} failed: {why}");
    let io = |e: std::io::Error| {
        if timed_out(&e) {
            failed(format!("no TLS answer {}", within()))
        } else {
            failed(e.to_string())
        }
    };
    // One read or write at a time, each bounded by what is left of the deadline: a peer that
    // trickles a byte now and then never trips a per-read timeout, so the deadline is
    // checked between them (`complete_io` would loop until the handshake is done).
    while conn.is_handshaking() {
        if Instant::now() >= cx.deadline {
            return Err(failed(format!("no TLS answer {}", within())));
        }
        let _ = sock.set_read_timeout(Some(cx.remaining()));
        let _ = sock.set_write_timeout(Some(cx.remaining()));
        if conn.wants_write() {
            conn.write_tls(&mut sock).map_err(io)?;
        } else if conn.wants_read() {
            match conn.read_tls(&mut sock).map_err(io)? {
                0 => return Err(failed("the server closed the connection".into())),
                _ => {
                    conn.process_new_packets()
                        .map_err(|e| failed(e.to_string()))?;
                }
            }
        }
    }
    conn.send_close_notify();
    let _ = sock.set_write_timeout(Some(cx.remaining()));
    while conn.wants_write() && conn.write_tls(&mut sock).is_ok_and(|n| n > 0) {}
    let cert = capture
        .cert
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    cert.ok_or_else(|| format!("{host}:{port} presented no certificate"))
}

/// A socket read or write that gave up at its timeout (`EAGAIN` on Linux).
fn timed_out(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// A verifier that records the server's certificate and accepts it, while still checking
/// that the handshake is signed by that certificate's key.
#[derive(Debug)]
struct Capture {
    provider: Arc<CryptoProvider>,
    cert: Mutex<Option<Vec<u8>>>,
}

impl ServerCertVerifier for Capture {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        *self.cert.lock().unwrap_or_else(|e| e.into_inner()) = Some(end_entity.to_vec());
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_against_limits() {
        let p = Params {
            host: "x.example".into(),
            port: 443,
            warn_days: 21,
            error_days: 7,
        };
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let at = |days: i64| now.as_second() + days * 86_400 + 3600;
        let f = judge(&p, "certificate", at(30), now);
        assert_eq!(f.level, super::super::Level::Ok);
        assert_eq!(f.message, "the certificate expires in 30 days (2027-02-14)");
        assert_eq!(
            judge(&p, "c", at(21), now).level,
            super::super::Level::Warning
        );
        assert_eq!(judge(&p, "c", at(7), now).level, super::super::Level::Error);
        let gone = judge(&p, "c", now.as_second() - 10, now);
        assert_eq!(gone.message, "the c expired on 2027-01-15");
    }
}
