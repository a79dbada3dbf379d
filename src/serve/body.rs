//! Response bodies of the dev server. Each holds at most one chunk in memory at a time and
//! produces the next only when the connection asks for it, so a client that stops reading
//! holds a chunk, not a file: a page streamed with the reload script spliced in, the event
//! stream, and a wrapper that tells the connection table when an answer is over.
//!
//! Nothing here routes or decides what to answer (see `respond`).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::{Body as HttpBody, Bytes, Frame, SizeHint};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::mpsc;

/// Every body the server answers with.
pub type Body = UnsyncBoxBody<Bytes, io::Error>;

/// How much of a file is read at a time.
pub const CHUNK: usize = 64 * 1024;

pub fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

pub fn empty() -> Body {
    Empty::new().map_err(|never| match never {}).boxed_unsync()
}

/// A file sent in two parts with `insert` between them: a page with the reload script added
/// before its `</body>`, without reading the page into memory.
pub struct Spliced {
    file: tokio::fs::File,
    /// Bytes of the file still to send before the insert, and after it.
    before: u64,
    after: u64,
    insert: Option<Bytes>,
}

impl Spliced {
    /// `file` is positioned at its start; `at` is where `insert` goes, `len` the file's length.
    pub fn new(file: tokio::fs::File, at: u64, len: u64, insert: Bytes) -> Spliced {
        Spliced {
            file,
            before: at.min(len),
            after: len - at.min(len),
            insert: Some(insert),
        }
    }

    fn read(&mut self, cx: &mut Context<'_>, want: u64) -> Poll<io::Result<Bytes>> {
        let mut buf = vec![0u8; want.min(CHUNK as u64) as usize];
        let mut read = ReadBuf::new(&mut buf);
        ready!(Pin::new(&mut self.file).poll_read(cx, &mut read))?;
        let n = read.filled().len();
        if n == 0 {
            // The file was cut short while being sent: end with an error rather than send a
            // body shorter than the length announced.
            return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into()));
        }
        buf.truncate(n);
        Poll::Ready(Ok(Bytes::from(buf)))
    }
}

impl HttpBody for Spliced {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<io::Result<Frame<Bytes>>>> {
        let this = self.get_mut();
        if this.before > 0 {
            let chunk = ready!(this.read(cx, this.before))?;
            this.before -= chunk.len() as u64;
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        if let Some(insert) = this.insert.take() {
            return Poll::Ready(Some(Ok(Frame::data(insert))));
        }
        if this.after > 0 {
            let chunk = ready!(this.read(cx, this.after))?;
            this.after -= chunk.len() as u64;
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.before == 0 && self.insert.is_none() && self.after == 0
    }

    fn size_hint(&self) -> SizeHint {
        let insert = self.insert.as_ref().map_or(0, |b| b.len() as u64);
        SizeHint::with_exact(self.before + insert + self.after)
    }
}

/// An endless body fed by a channel: the live-reload event stream. It ends when the sender
/// is dropped; a full channel makes the sender wait, so a client that stops reading holds a
/// few messages, not a growing queue.
pub struct Channel(pub mpsc::Receiver<Bytes>);

impl HttpBody for Channel {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<io::Result<Frame<Bytes>>>> {
        self.0.poll_recv(cx).map(|m| m.map(|b| Ok(Frame::data(b))))
    }
}

/// A body with something to drop when the body is done (sent, or abandoned with its
/// connection): the connection table's note that an answer is in flight.
pub struct Tracked<G> {
    body: Body,
    _guard: G,
}

impl<G> Tracked<G> {
    pub fn new(body: Body, guard: G) -> Tracked<G> {
        Tracked {
            body,
            _guard: guard,
        }
    }
}

impl<G: Unpin> HttpBody for Tracked<G> {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<io::Result<Frame<Bytes>>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn collect(body: impl HttpBody<Data = Bytes, Error = io::Error>) -> Vec<u8> {
        body.collect().await.unwrap().to_bytes().to_vec()
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn a_spliced_file_has_the_insert_at_its_place_and_an_exact_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        let page = format!("<body>{}</body>", "x".repeat(3 * CHUNK));
        std::fs::write(&path, &page).unwrap();
        let at = page.rfind("</body>").unwrap() as u64;
        runtime().block_on(async {
            for (at, want) in [
                (at, page.replace("</body>", "<s></body>")),
                (0, format!("<s>{page}")),
                (page.len() as u64, format!("{page}<s>")),
            ] {
                let file = tokio::fs::File::open(&path).await.unwrap();
                let body = Spliced::new(file, at, page.len() as u64, Bytes::from_static(b"<s>"));
                assert_eq!(body.size_hint().exact(), Some(want.len() as u64));
                assert_eq!(collect(body).await, want.as_bytes());
            }
        });
    }

    #[test]
    fn a_file_cut_short_ends_in_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        std::fs::write(&path, "short").unwrap();
        runtime().block_on(async {
            let file = tokio::fs::File::open(&path).await.unwrap();
            let body = Spliced::new(file, 2, 100, Bytes::from_static(b"<s>"));
            assert!(body.collect().await.is_err());
        });
    }
}
