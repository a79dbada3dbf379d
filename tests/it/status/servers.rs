//! Real servers on 127.0.0.1 for the network checks: a small HTTP/1.1 server with routes that
//! misbehave in the ways checks must catch, and a TLS server presenting a self-signed
//! certificate that expires when the test says.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Starts the HTTP server; it serves until the test process ends.
///
/// - `/ok`: 200 `all systems ok`
/// - `/slow`: 200 `ok` after 600 ms
/// - `/down`: 503 with a body holding a script tag
/// - `/maintenance`: 200 `down for maintenance`
/// - `/echo...`: 500 with the request line as the body (it holds any token in the URL)
/// - `/big`: 200, 3 MiB of filler then `needle`
/// - `/hang`: never answers
/// - `/redirect/<location>`: 302 to `<location>` as written (absolute or not)
pub fn http() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    addr
}

fn serve(mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" || line == "\n" => break,
            Ok(_) => {}
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let (status, body): (u16, Vec<u8>) = match path.as_str() {
        "/ok" => (200, b"all systems ok".to_vec()),
        "/slow" => {
            std::thread::sleep(Duration::from_millis(600));
            (200, b"ok".to_vec())
        }
        "/down" => (
            503,
            b"upstream tally timed out <script>alert('pwned')</script>".to_vec(),
        ),
        "/maintenance" => (200, b"down for maintenance".to_vec()),
        "/big" => {
            let mut b = vec![b'x'; 3 << 20];
            b.extend_from_slice(b"needle");
            (200, b)
        }
        "/hang" => {
            std::thread::sleep(Duration::from_secs(60));
            return;
        }
        p if p.starts_with("/echo") => (500, request_line.trim().as_bytes().to_vec()),
        p if p.starts_with("/redirect/") => {
            let head = format!(
                "HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                &p["/redirect/".len()..]
            );
            let _ = stream.write_all(head.as_bytes());
            return;
        }
        _ => (404, b"not found".to_vec()),
    };
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

/// An HTTP server that answers every request 200 `recorded` and keeps every request head it
/// was sent, for tests of what a check sends where.
pub fn recorder() -> (SocketAddr, Arc<Mutex<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(String::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            loop {
                let mut line = String::new();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if line == "\r\n" => break,
                    Ok(_) => log.lock().unwrap().push_str(&line),
                }
            }
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nrecorded",
            );
        }
    });
    (addr, seen)
}

/// A TCP server that accepts connections and never says anything (a hung TLS peer).
pub fn silent() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    addr
}

/// A TCP server that starts a TLS record announcing 16 KiB and then sends one byte of it
/// every 100 ms: a peer that is never silent long enough for a read timeout.
pub fn trickle() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                if stream.write_all(&[0x16, 0x03, 0x03, 0x40, 0x00]).is_err() {
                    return;
                }
                for _ in 0..600 {
                    std::thread::sleep(Duration::from_millis(100));
                    if stream.write_all(&[0]).is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// A TLS server whose self-signed certificate for `status-test.local` is valid until the
/// given date (midnight UTC).
pub fn tls(year: i32, month: u8, day: u8) -> SocketAddr {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "status-test.local");
    params.not_before = rcgen::date_time_ymd(2025, 1, 1);
    params.not_after = rcgen::date_time_ymd(year, month, day);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![cert.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
    .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let config = Arc::clone(&config);
            std::thread::spawn(move || {
                let mut conn = rustls::ServerConnection::new(config).unwrap();
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                while conn.is_handshaking() {
                    if conn.complete_io(&mut stream).is_err() {
                        return;
                    }
                }
                let mut sink = [0u8; 512];
                let _ = rustls::Stream::new(&mut conn, &mut stream).read(&mut sink);
            });
        }
    });
    addr
}
