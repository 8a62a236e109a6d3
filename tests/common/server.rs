//! A small, dependency-free (std only) loopback HTTP/1.1 server for
//! integration tests.
//!
//! ```ignore
//! mod common;
//! use common::server::{Response, Site, TestServer};
//!
//! let server = TestServer::start(|req| match req.path_only() {
//!     "/" => Response::html("<a href=\"/a\">a</a>"),
//!     "/slow" => Response::html("late").delay(std::time::Duration::from_secs(5)),
//!     "/never" => Response::hang(),
//!     _ => Response::not_found(),
//! });
//! let url = server.url("/"); // http://127.0.0.1:PORT/
//! // ... run the crawler against `url` ...
//! assert_eq!(server.hits("/"), 1);
//!
//! let site = Site::new()
//!     .page("/", "<html>…</html>")
//!     .page_bytes("/logo.gif", "image/gif", vec![0x47, 0x49, 0x46])
//!     .redirect("/old", 301, "/")
//!     .serve();
//! ```
//!
//! Behaviour summary:
//!
//! * One thread per TCP connection; requests on a connection are served in
//!   order (HTTP/1.1 keep-alive is supported). Concurrent requests therefore
//!   need concurrent connections, which is what real clients do.
//! * Every parsed request is appended to the log ([`TestServer::requests`])
//!   *before* the handler runs, so hung/delayed requests are counted too.
//! * The handler is called once per request. A panicking handler produces a
//!   `500` reply, and the panic is re-raised when the [`TestServer`] is
//!   dropped (so `assert!`s inside handlers fail the test).
//! * Framing: `Content-Length` is written whenever the length is known,
//!   otherwise the body is close-delimited (`Connection: close`). If the
//!   handler sets `Content-Length` or `Transfer-Encoding` itself, the server
//!   adds no framing of its own, sends the body bytes as given and closes the
//!   connection afterwards (use this to lie about lengths).
//! * `HEAD` gets the same headers as `GET` would, and no body. `1xx`, `204`
//!   and `304` replies never carry a body or an automatic `Content-Length`.
//! * Malformed requests get a `400`/`413`/`431`/`505` and the connection is
//!   closed; nothing in the server panics on client input, and write errors
//!   (client went away mid-body) are ignored.
//! * Dropping the [`TestServer`] stops accepting, wakes hung and delayed
//!   responses, shuts down every open connection and waits at most ~2 s for
//!   connection threads to finish (they are detached after that). It never
//!   blocks indefinitely.
//! * Also here: std-only encoders for test bodies, including gzip bombs
//!   ([`gzip_zeros`], [`gzip_fill`], [`zlib_fill`], [`deflate_raw_fill`],
//!   ~1030:1) and plain [`gzip`] / [`zlib`] / [`deflate_raw`] wrappers.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Longest accepted request line or header line, in bytes.
const MAX_LINE: usize = 16 * 1024;
/// Largest accepted request head (request line plus headers), in bytes.
const MAX_HEAD: usize = 64 * 1024;
/// Most header lines accepted in one request.
const MAX_HEADERS: usize = 256;
/// Largest accepted request body, in bytes (`413` beyond that).
const MAX_BODY: u64 = 64 * 1024 * 1024;
/// Size of the buffer used to write [`Body::Stream`] bodies.
const STREAM_BUF: usize = 64 * 1024;

/// The handler type stored by the server.
type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// Locks a mutex, ignoring poisoning (a panicking handler must not break
/// the server's bookkeeping).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------

/// One HTTP request as received by the server.
#[derive(Debug, Clone)]
pub struct Request {
    /// Request method as sent (`GET`, `HEAD`, `POST`, ...).
    pub method: String,
    /// Request target exactly as received: path plus `?query` (for
    /// absolute-form targets, the whole URL).
    pub path: String,
    /// Protocol version from the request line, e.g. `HTTP/1.1`.
    pub version: String,
    /// Header fields in the order received, names in their original case,
    /// values trimmed.
    pub headers: Vec<(String, String)>,
    /// Request body (`Content-Length` or chunked), empty if none.
    pub body: Vec<u8>,
    /// Address of the client socket.
    pub peer: SocketAddr,
    /// Number of the TCP connection this request came on (0, 1, 2, ... in
    /// accept order). Equal numbers mean the connection was reused.
    pub conn: u64,
    /// When the request head had been fully read.
    pub received: Instant,
}

impl Request {
    /// First value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All values of header `name` (case-insensitive), in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The target without its query string (everything before the first `?`).
    pub fn path_only(&self) -> &str {
        strip_query(&self.path)
    }

    /// The query string without the leading `?`, if any.
    pub fn query(&self) -> Option<&str> {
        self.path.split_once('?').map(|(_, q)| q)
    }

    /// The body decoded as UTF-8 (lossily).
    pub fn body_str(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Returns `target` up to (excluding) the first `?`.
fn strip_query(target: &str) -> &str {
    target.split_once('?').map_or(target, |(p, _)| p)
}

// ---------------------------------------------------------------------------
// Response
// ---------------------------------------------------------------------------

/// A response body.
#[derive(Debug, Clone)]
pub enum Body {
    /// A body held in memory; sent with an exact `Content-Length`.
    Bytes(Vec<u8>),
    /// `chunk` repeated `repeat` times, produced on the fly (memory use is
    /// about max(64 KiB, `chunk.len()`), whatever the total). `len` is what
    /// is advertised in `Content-Length`: `None` means no `Content-Length`,
    /// a close-delimited body. If `len` differs from
    /// `chunk.len() * repeat` the server sends the actual bytes anyway (a
    /// lying length) and then closes the connection.
    Stream {
        /// Advertised `Content-Length`, or `None` for close-delimited.
        len: Option<u64>,
        /// The bytes to repeat.
        chunk: Vec<u8>,
        /// How many times `chunk` is sent.
        repeat: u64,
    },
    /// Like [`Body::Stream`], but after *each* chunk (including the last
    /// one) the server flushes and waits `interval` (woken early when the
    /// server drops). A slow-drip body for total-timeout tests; with one
    /// short chunk, a long interval and a larger `len` it is a body that
    /// stalls part-way.
    Trickle {
        /// Advertised `Content-Length`, or `None` for close-delimited.
        len: Option<u64>,
        /// The bytes sent per step.
        chunk: Vec<u8>,
        /// Number of steps.
        repeat: u64,
        /// Pause after each step.
        interval: Duration,
    },
    /// Sent with `Transfer-Encoding: chunked`, one HTTP chunk per element
    /// (empty elements are skipped), then the terminating zero chunk.
    Chunked(Vec<Vec<u8>>),
}

impl Body {
    /// Number of body bytes that will actually be written (before chunked
    /// framing).
    pub fn actual_len(&self) -> u64 {
        match self {
            Body::Bytes(b) => b.len() as u64,
            Body::Stream { chunk, repeat, .. } | Body::Trickle { chunk, repeat, .. } => {
                (chunk.len() as u64).saturating_mul(*repeat)
            }
            Body::Chunked(chunks) => chunks.iter().map(|c| c.len() as u64).sum(),
        }
    }
}

/// What the server sends back for one request. Build it with the
/// constructors and builder methods rather than a struct literal (fields
/// may be added).
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code (written as is, even if unusual).
    pub status: u16,
    /// Header fields, written in order. Framing headers (`Content-Length`,
    /// `Transfer-Encoding`, `Connection: close`) are added by the server
    /// unless already present; see the module docs.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
    /// Wait this long before sending anything (interrupted when the server
    /// drops, in which case nothing is sent).
    pub delay: Option<Duration>,
    /// Never answer: keep the connection open, silent, until the server is
    /// dropped (or the client closes its side first).
    pub hang: bool,
    /// If set, write exactly these bytes (after `delay`) instead of a
    /// normal response, then close the connection. An empty vector closes
    /// without a reply ("empty reply from server").
    pub raw: Option<Vec<u8>>,
}

impl Response {
    /// A response with `status` and `body` and no headers.
    pub fn new(status: u16, body: Body) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body,
            delay: None,
            hang: false,
            raw: None,
        }
    }

    /// `200` with `Content-Type: text/html; charset=utf-8`.
    pub fn html(body: impl Into<Vec<u8>>) -> Self {
        Self::bytes(200, "text/html; charset=utf-8", body.into())
    }

    /// `200` with `Content-Type: text/html; charset=<charset>`; `body` is
    /// sent as given (encode it in that charset yourself).
    pub fn html_with_charset(body: Vec<u8>, charset: &str) -> Self {
        Self::bytes(200, &format!("text/html; charset={charset}"), body)
    }

    /// `200` with `Content-Type: text/html` and no charset parameter (for
    /// charset sniffing tests).
    pub fn html_no_charset(body: impl Into<Vec<u8>>) -> Self {
        Self::bytes(200, "text/html", body.into())
    }

    /// Any status with the given `Content-Type` and body.
    pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Self::new(status, Body::Bytes(body)).header("Content-Type", content_type)
    }

    /// Any status with `Content-Type: text/plain; charset=utf-8`.
    pub fn text(status: u16, body: &str) -> Self {
        Self::bytes(
            status,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }

    /// A redirect (`301`, `302`, `303`, `307`, `308`, ...) to `location`
    /// (sent verbatim, may be relative), with an empty body.
    pub fn redirect(status: u16, location: &str) -> Self {
        Self::status(status).header("Location", location)
    }

    /// `404` with a short plain-text body.
    pub fn not_found() -> Self {
        Self::text(404, "404 Not Found")
    }

    /// Just a status code, empty body, no headers besides framing.
    pub fn status(code: u16) -> Self {
        Self::new(code, Body::Bytes(Vec::new()))
    }

    /// Never answers; the connection stays open until the server drops
    /// (or the client gives up and closes it).
    pub fn hang() -> Self {
        Response {
            hang: true,
            ..Self::status(200)
        }
    }

    /// Writes exactly `bytes` on the socket (no status line or headers
    /// added) and closes. For malformed/HTTP-0.9/garbage replies.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Self {
        Response {
            raw: Some(bytes.into()),
            ..Self::status(200)
        }
    }

    /// Closes the connection without sending anything.
    pub fn abort() -> Self {
        Self::raw(Vec::new())
    }

    /// A streamed body of `chunk` repeated `repeat` times, with an exact
    /// `Content-Length`.
    pub fn stream(status: u16, content_type: &str, chunk: Vec<u8>, repeat: u64) -> Self {
        let len = Some((chunk.len() as u64).saturating_mul(repeat));
        Self::new(status, Body::Stream { len, chunk, repeat }).header("Content-Type", content_type)
    }

    /// Like [`Response::stream`] but with no `Content-Length`: the body ends
    /// when the server closes the connection.
    pub fn stream_unsized(status: u16, content_type: &str, chunk: Vec<u8>, repeat: u64) -> Self {
        Self::new(
            status,
            Body::Stream {
                len: None,
                chunk,
                repeat,
            },
        )
        .header("Content-Type", content_type)
    }

    /// `total` bytes all equal to `byte`, streamed with an exact
    /// `Content-Length` (no allocation proportional to `total`).
    pub fn filled(status: u16, content_type: &str, byte: u8, total: u64) -> Self {
        Self::stream(status, content_type, vec![byte], total)
    }

    /// `200 text/html`: sends `chunk` `repeat` times, pausing `interval`
    /// after each, with an exact `Content-Length`. See [`Body::Trickle`].
    pub fn trickle(chunk: impl Into<Vec<u8>>, repeat: u64, interval: Duration) -> Self {
        let chunk = chunk.into();
        let len = Some((chunk.len() as u64).saturating_mul(repeat));
        Self::new(
            200,
            Body::Trickle {
                len,
                chunk,
                repeat,
                interval,
            },
        )
        .header("Content-Type", "text/html; charset=utf-8")
    }

    /// A `Transfer-Encoding: chunked` response.
    pub fn chunked(status: u16, content_type: &str, chunks: Vec<Vec<u8>>) -> Self {
        Self::new(status, Body::Chunked(chunks)).header("Content-Type", content_type)
    }

    /// `200 text/html` with `Content-Encoding: gzip` whose body inflates to
    /// `decompressed_len` bytes of ASCII `'0'` (about 1 KiB on the wire per
    /// MiB inflated: 1 GiB is ~1 MiB).
    pub fn gzip_bomb(decompressed_len: u64) -> Self {
        Self::bytes(
            200,
            "text/html; charset=utf-8",
            gzip_fill(decompressed_len, b'0'),
        )
        .header("Content-Encoding", "gzip")
    }

    /// Appends a header (duplicates allowed, e.g. several `Set-Cookie`).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Replaces every header called `name` (case-insensitive) with one
    /// `name: value`.
    pub fn set_header(self, name: &str, value: &str) -> Self {
        self.remove_header(name).header(name, value)
    }

    /// Removes every header called `name` (case-insensitive).
    pub fn remove_header(mut self, name: &str) -> Self {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self
    }

    /// Replaces the `Content-Type`.
    pub fn content_type(self, value: &str) -> Self {
        self.set_header("Content-Type", value)
    }

    /// Waits `d` before sending the response.
    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = Some(d);
        self
    }

    /// Replaces the status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Replaces the body.
    pub fn with_body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// Gzip-encodes a [`Body::Bytes`] body and sets `Content-Encoding: gzip`
    /// (other body kinds are left unchanged).
    pub fn gzipped(mut self) -> Self {
        if let Body::Bytes(b) = &self.body {
            self.body = Body::Bytes(gzip(b));
            self = self.set_header("Content-Encoding", "gzip");
        }
        self
    }

    /// Adds `Connection: close`: the server closes the connection after
    /// this response.
    pub fn close(self) -> Self {
        self.set_header("Connection", "close")
    }

    /// Value of the first header called `name` (case-insensitive).
    pub fn get_header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Standard reason phrase for a status code ("Unknown" otherwise).
fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        410 => "Gone",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        418 => "I'm a teapot",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

/// State shared by the accept thread, the connection threads and the
/// [`TestServer`] handle.
struct Shared {
    handler: Box<Handler>,
    stop: AtomicBool,
    stop_lock: Mutex<bool>,
    stop_cv: Condvar,
    log: Mutex<Vec<Request>>,
    conns: Mutex<HashMap<u64, TcpStream>>,
    next_conn: AtomicU64,
    panics: AtomicUsize,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
}

impl Shared {
    fn is_stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn begin_stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        *lock(&self.stop_lock) = true;
        self.stop_cv.notify_all();
    }

    /// Waits until the server stops or `d` elapses (`None`: forever).
    /// Returns `true` if the server stopped.
    fn wait_stop(&self, d: Option<Duration>) -> bool {
        let deadline = d.and_then(|d| Instant::now().checked_add(d));
        let forever = d.is_none() || deadline.is_none();
        let mut stopped = lock(&self.stop_lock);
        loop {
            if *stopped {
                return true;
            }
            if forever {
                stopped = self
                    .stop_cv
                    .wait(stopped)
                    .unwrap_or_else(|e| e.into_inner());
            } else if let Some(dl) = deadline {
                let now = Instant::now();
                if now >= dl {
                    return false;
                }
                stopped = self
                    .stop_cv
                    .wait_timeout(stopped, dl - now)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        }
    }
}

/// A running loopback HTTP server; stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Binds `127.0.0.1:0` (a free port) and serves every request with
    /// `handler`. Panics if binding fails.
    pub fn start<F>(handler: F) -> TestServer
    where
        F: Fn(&Request) -> Response + Send + Sync + 'static,
    {
        Self::start_on(SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 0), handler)
            .expect("TestServer: cannot bind 127.0.0.1:0")
    }

    /// Binds `[::1]:0`; `None` if IPv6 loopback is unavailable here.
    pub fn start_v6<F>(handler: F) -> Option<TestServer>
    where
        F: Fn(&Request) -> Response + Send + Sync + 'static,
    {
        Self::start_on(SocketAddr::new(Ipv6Addr::LOCALHOST.into(), 0), handler).ok()
    }

    /// Binds the same port on `127.0.0.1` and (if available) `[::1]`, both
    /// served by `handler`; each server keeps its own request log. Useful
    /// for `http://localhost:PORT/` tests. Panics if IPv4 binding fails.
    pub fn start_dual<F>(handler: F) -> (TestServer, Option<TestServer>)
    where
        F: Fn(&Request) -> Response + Send + Sync + 'static,
    {
        let handler = Arc::new(handler);
        for _ in 0..32 {
            let h4 = Arc::clone(&handler);
            let v4 = Self::start(move |r: &Request| h4(r));
            let h6 = Arc::clone(&handler);
            let addr6 = SocketAddr::new(Ipv6Addr::LOCALHOST.into(), v4.addr().port());
            match Self::start_on(addr6, move |r: &Request| h6(r)) {
                Ok(v6) => return (v4, Some(v6)),
                Err(e) if e.kind() == io::ErrorKind::AddrInUse => continue,
                Err(_) => return (v4, None),
            }
        }
        (Self::start(move |r: &Request| handler(r)), None)
    }

    /// Binds `addr` (e.g. a fixed port, `0.0.0.0:0` or `[::]:0`).
    pub fn start_on<F>(addr: SocketAddr, handler: F) -> io::Result<TestServer>
    where
        F: Fn(&Request) -> Response + Send + Sync + 'static,
    {
        let listener = TcpListener::bind(addr)?;
        let local = listener.local_addr()?;
        let shared = Arc::new(Shared {
            handler: Box::new(handler),
            stop: AtomicBool::new(false),
            stop_lock: Mutex::new(false),
            stop_cv: Condvar::new(),
            log: Mutex::new(Vec::new()),
            conns: Mutex::new(HashMap::new()),
            next_conn: AtomicU64::new(0),
            panics: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            peak_in_flight: AtomicUsize::new(0),
        });
        let for_thread = Arc::clone(&shared);
        let accept_thread = thread::Builder::new()
            .name(format!("test-server-accept-{}", local.port()))
            .spawn(move || accept_loop(listener, for_thread))?;
        Ok(TestServer {
            addr: local,
            shared,
            accept_thread: Some(accept_thread),
        })
    }

    /// The bound address (real port, never 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Address clients should connect to (an unspecified bind address is
    /// mapped to the loopback of its family).
    fn connect_addr(&self) -> SocketAddr {
        let ip: IpAddr = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => Ipv4Addr::LOCALHOST.into(),
            IpAddr::V6(ip) if ip.is_unspecified() => Ipv6Addr::LOCALHOST.into(),
            ip => ip,
        };
        SocketAddr::new(ip, self.addr.port())
    }

    /// `http://127.0.0.1:PORT` or `http://[::1]:PORT` (no trailing slash).
    pub fn base(&self) -> String {
        format!("http://{}", self.connect_addr())
    }

    /// `base()` + `path`; a `/` is inserted if `path` does not start with
    /// one (so `url("")` is the root `.../`).
    pub fn url(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("{}{}", self.base(), path)
        } else {
            format!("{}/{}", self.base(), path)
        }
    }

    /// `http://localhost:PORT` + `path` (same rules as [`TestServer::url`]).
    pub fn localhost_url(&self, path: &str) -> String {
        let sep = if path.starts_with('/') { "" } else { "/" };
        format!("http://localhost:{}{}{}", self.addr.port(), sep, path)
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.shared.log).clone()
    }

    /// Number of requests received so far.
    pub fn request_count(&self) -> usize {
        lock(&self.shared.log).len()
    }

    /// Forgets the logged requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Number of requests (any method) for `path`. If `path` contains `?`
    /// it is compared with the full target (path + query); otherwise with
    /// the target's path only, so `hits("/a")` counts `/a`, `/a?x=1`, ...
    pub fn hits(&self, path: &str) -> usize {
        let with_query = path.contains('?');
        lock(&self.shared.log)
            .iter()
            .filter(|r| {
                if with_query {
                    r.path == path
                } else {
                    r.path_only() == path
                }
            })
            .count()
    }

    /// Number of requests whose method is `method` (case-sensitive) and
    /// whose path matches as in [`TestServer::hits`].
    pub fn hits_method(&self, method: &str, path: &str) -> usize {
        let with_query = path.contains('?');
        lock(&self.shared.log)
            .iter()
            .filter(|r| r.method == method)
            .filter(|r| {
                if with_query {
                    r.path == path
                } else {
                    r.path_only() == path
                }
            })
            .count()
    }

    /// Polls until at least `n` requests were received; `false` on timeout.
    pub fn wait_for_requests(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.request_count() >= n {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Polls until `hits(path) >= n`; `false` on timeout.
    pub fn wait_for_hits(&self, path: &str, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.hits(path) >= n {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Number of TCP connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.shared.next_conn.load(Ordering::SeqCst)
    }

    /// Largest number of requests that were being handled at the same time
    /// (from request parsed to response written, hung ones included).
    pub fn max_in_flight(&self) -> usize {
        self.shared.peak_in_flight.load(Ordering::SeqCst)
    }

    /// Number of handler calls that panicked so far (each also got a 500).
    pub fn handler_panics(&self) -> usize {
        self.shared.panics.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shared.begin_stop();
        // Unblock the accept loop by connecting to ourselves.
        let woke = TcpStream::connect_timeout(&self.connect_addr(), Duration::from_secs(2));
        // If waking failed, the handle is dropped (thread detached): it
        // exits on the next accepted connection.
        let handle = self.accept_thread.take();
        if let (Some(handle), true) = (handle, woke.is_ok()) {
            let _ = handle.join();
        }
        drop(woke);
        for stream in lock(&self.shared.conns).values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        while !lock(&self.shared.conns).is_empty() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(2));
        }
        let panics = self.shared.panics.load(Ordering::SeqCst);
        if panics > 0 && !thread::panicking() {
            panic!(
                "TestServer on {}: {panics} handler call(s) panicked",
                self.addr
            );
        }
    }
}

/// Accepts connections until the server stops; one thread per connection.
fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        match listener.accept() {
            Ok((stream, peer)) => {
                if shared.is_stopped() {
                    break;
                }
                let Ok(clone) = stream.try_clone() else {
                    continue;
                };
                let id = shared.next_conn.fetch_add(1, Ordering::SeqCst);
                lock(&shared.conns).insert(id, clone);
                let for_thread = Arc::clone(&shared);
                let spawned = thread::Builder::new()
                    .name(format!("test-server-conn-{id}"))
                    .spawn(move || serve_connection(for_thread, stream, peer, id));
                if spawned.is_err() {
                    let removed = lock(&shared.conns).remove(&id);
                    if let Some(s) = removed {
                        let _ = s.shutdown(Shutdown::Both);
                    }
                }
            }
            Err(_) => {
                if shared.is_stopped() {
                    break;
                }
                // E.g. EMFILE: back off instead of spinning.
                thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

/// Removes a connection from the open-connection table when its thread
/// ends (also on panic).
struct ConnGuard {
    shared: Arc<Shared>,
    id: u64,
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        lock(&self.shared.conns).remove(&self.id);
    }
}

/// Serves requests on one connection until it closes.
fn serve_connection(shared: Arc<Shared>, stream: TcpStream, peer: SocketAddr, conn: u64) {
    let _guard = ConnGuard {
        shared: Arc::clone(&shared),
        id: conn,
    };
    let _ = stream.set_nodelay(true);
    let mut rd = Reader::new(stream);
    loop {
        if shared.is_stopped() {
            return;
        }
        let req = match read_request(&mut rd, peer, conn) {
            Ok(Some(req)) => req,
            Ok(None) | Err(ReadError::Io) => return,
            Err(ReadError::Bad(code)) => {
                write_error(&rd.stream, code);
                graceful_close(&rd.stream);
                return;
            }
        };
        lock(&shared.log).push(req.clone());
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.peak_in_flight.fetch_max(now, Ordering::SeqCst);
        let resp = match catch_unwind(AssertUnwindSafe(|| (shared.handler)(&req))) {
            Ok(resp) => resp,
            Err(_) => {
                shared.panics.fetch_add(1, Ordering::SeqCst);
                Response::text(500, "test server handler panicked")
            }
        };
        let keep = write_response(&shared, &rd.stream, &req, resp);
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        if !keep {
            graceful_close(&rd.stream);
            return;
        }
    }
}

/// Half-closes, then drains what the client still sends for a moment so
/// the kernel sends FIN rather than RST (which could destroy the response
/// before the client reads it).
fn graceful_close(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let deadline = Instant::now() + Duration::from_millis(500);
    let mut sink = [0u8; 8192];
    let mut total = 0usize;
    let mut s = stream;
    while Instant::now() < deadline && total < 4 * 1024 * 1024 {
        match s.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

/// Writes a minimal error response for a request that could not be parsed.
fn write_error(stream: &TcpStream, code: u16) {
    let text = reason(code);
    let msg = format!(
        "HTTP/1.1 {code} {text}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
    let mut s = stream;
    let _ = s.write_all(msg.as_bytes());
}

/// Writes `resp` for `req`. Returns whether the connection may be reused.
fn write_response(shared: &Shared, stream: &TcpStream, req: &Request, resp: Response) -> bool {
    let mut w = stream;
    if resp.delay.is_some() && shared.wait_stop(resp.delay) {
        return false;
    }
    if let Some(raw) = &resp.raw {
        let _ = w.write_all(raw);
        return false;
    }
    if resp.hang {
        hang_until_stop_or_eof(shared, stream);
        return false;
    }

    let is_head = req.method.eq_ignore_ascii_case("HEAD");
    let has = |name: &str| {
        resp.headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    let user_framing = has("content-length") || has("transfer-encoding");
    let no_body_status =
        (100..200).contains(&resp.status) || resp.status == 204 || resp.status == 304;
    let resp_close = resp.headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("connection") && v.to_ascii_lowercase().contains("close")
    });

    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (k, v) in &resp.headers {
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    let mut close_after = user_framing || resp_close;
    if !user_framing && !no_body_status {
        let advertised = match &resp.body {
            Body::Bytes(b) => Some(b.len() as u64),
            Body::Stream { len, .. } | Body::Trickle { len, .. } => *len,
            Body::Chunked(_) => {
                head.push_str("Transfer-Encoding: chunked\r\n");
                None
            }
        };
        match advertised {
            Some(n) => {
                head.push_str(&format!("Content-Length: {n}\r\n"));
                if n != resp.body.actual_len() {
                    close_after = true;
                }
            }
            None => {
                if !matches!(resp.body, Body::Chunked(_)) {
                    close_after = true;
                }
            }
        }
    }
    let keep = request_wants_keep_alive(req) && !close_after;
    if !keep && !has("connection") {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");

    let mut out = head.into_bytes();
    let send_body = !is_head && !no_body_status;
    let small = match &resp.body {
        Body::Bytes(b) if send_body && b.len() <= STREAM_BUF => Some(b),
        _ => None,
    };
    if let Some(b) = small {
        // Head and small body in one write (no Nagle/delayed-ACK stall).
        out.extend_from_slice(b);
        return w.write_all(&out).is_ok() && keep;
    }
    if w.write_all(&out).is_err() {
        return false;
    }
    if !send_body {
        return keep;
    }
    let result = match &resp.body {
        Body::Bytes(b) => w.write_all(b),
        Body::Stream { chunk, repeat, .. } => write_repeated(shared, stream, chunk, *repeat),
        Body::Trickle {
            chunk,
            repeat,
            interval,
            ..
        } => write_trickle(shared, stream, chunk, *repeat, *interval),
        Body::Chunked(chunks) => write_chunked(stream, chunks),
    };
    result.is_ok() && keep
}

/// Keeps the connection open and silent until the server stops or the
/// client closes its side (input is read and discarded).
fn hang_until_stop_or_eof(shared: &Shared, stream: &TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let mut sink = [0u8; 4096];
    let mut r = stream;
    while !shared.is_stopped() {
        match r.read(&mut sink) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                let transient = matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                );
                if !transient {
                    return;
                }
            }
        }
    }
}

/// Whether the client allows reusing the connection (HTTP/1.1 without
/// `Connection: close`).
fn request_wants_keep_alive(req: &Request) -> bool {
    let close = req
        .header_all("connection")
        .iter()
        .any(|v| v.to_ascii_lowercase().contains("close"));
    req.version == "HTTP/1.1" && !close
}

/// Error used to stop streaming when the server shuts down.
fn stopped_error() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, "test server stopped")
}

/// Writes `chunk` `repeat` times through a bounded buffer.
fn write_repeated(
    shared: &Shared,
    stream: &TcpStream,
    chunk: &[u8],
    repeat: u64,
) -> io::Result<()> {
    if chunk.is_empty() || repeat == 0 {
        return Ok(());
    }
    let mut w = stream;
    let per = ((STREAM_BUF / chunk.len()).max(1) as u64).min(repeat);
    let block = chunk.repeat(per as usize);
    let mut left = repeat;
    while left >= per {
        if shared.is_stopped() {
            return Err(stopped_error());
        }
        w.write_all(&block)?;
        left -= per;
    }
    if left > 0 {
        w.write_all(&block[..left as usize * chunk.len()])?;
    }
    Ok(())
}

/// Writes `chunk` `repeat` times, waiting `interval` after each.
fn write_trickle(
    shared: &Shared,
    stream: &TcpStream,
    chunk: &[u8],
    repeat: u64,
    interval: Duration,
) -> io::Result<()> {
    let mut w = stream;
    for _ in 0..repeat {
        w.write_all(chunk)?;
        w.flush()?;
        if shared.wait_stop(Some(interval)) {
            return Err(stopped_error());
        }
    }
    Ok(())
}

/// Writes a chunked-encoded body.
fn write_chunked(stream: &TcpStream, chunks: &[Vec<u8>]) -> io::Result<()> {
    let mut w = stream;
    for c in chunks.iter().filter(|c| !c.is_empty()) {
        let mut piece = format!("{:x}\r\n", c.len()).into_bytes();
        piece.extend_from_slice(c);
        piece.extend_from_slice(b"\r\n");
        w.write_all(&piece)?;
    }
    w.write_all(b"0\r\n\r\n")
}

// ---------------------------------------------------------------------------
// Request parsing
// ---------------------------------------------------------------------------

/// Why a request could not be read.
enum ReadError {
    /// Socket error or the client closed mid-request: just drop it.
    Io,
    /// Malformed request: answer with this status and close.
    Bad(u16),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Io
    }
}

/// A buffered reader that keeps unread bytes between requests
/// (keep-alive, pipelining).
struct Reader {
    stream: TcpStream,
    buf: Vec<u8>,
    start: usize,
}

impl Reader {
    fn new(stream: TcpStream) -> Self {
        Reader {
            stream,
            buf: Vec::new(),
            start: 0,
        }
    }

    fn available(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Reads more bytes from the socket; returns how many (0 = EOF).
    fn fill(&mut self) -> io::Result<usize> {
        if self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        } else if self.start > 64 * 1024 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        let mut tmp = [0u8; 16 * 1024];
        let n = loop {
            match self.stream.read(&mut tmp) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.buf.extend_from_slice(&tmp[..n]);
        Ok(n)
    }

    /// Reads one line (without `\n` / `\r\n`). `Ok(None)` on a clean EOF
    /// before any byte of the line.
    fn read_line(&mut self, max: usize) -> Result<Option<String>, ReadError> {
        loop {
            if let Some(i) = self.available().iter().position(|&b| b == b'\n') {
                let mut line = &self.available()[..i];
                if line.last() == Some(&b'\r') {
                    line = &line[..line.len() - 1];
                }
                let s = String::from_utf8_lossy(line).into_owned();
                self.start += i + 1;
                return Ok(Some(s));
            }
            if self.available().len() > max {
                return Err(ReadError::Bad(431));
            }
            if self.fill()? == 0 {
                return if self.available().is_empty() {
                    Ok(None)
                } else {
                    Err(ReadError::Io)
                };
            }
        }
    }

    /// Reads exactly `n` bytes.
    fn read_exact_n(&mut self, n: usize) -> Result<Vec<u8>, ReadError> {
        while self.available().len() < n {
            if self.fill()? == 0 {
                return Err(ReadError::Io);
            }
        }
        let out = self.available()[..n].to_vec();
        self.start += n;
        Ok(out)
    }
}

/// Reads and parses one request. `Ok(None)` when the client closed the
/// connection cleanly between requests.
fn read_request(
    rd: &mut Reader,
    peer: SocketAddr,
    conn: u64,
) -> Result<Option<Request>, ReadError> {
    // Tolerate a few stray empty lines before the request line.
    let mut line = String::new();
    for _ in 0..8 {
        match rd.read_line(MAX_LINE)? {
            None => return Ok(None),
            Some(l) if l.is_empty() => continue,
            Some(l) => {
                line = l;
                break;
            }
        }
    }
    let parts: Vec<&str> = line.split_whitespace().collect();
    if parts.len() != 3 {
        return Err(ReadError::Bad(400));
    }
    let (method, target, version) = (parts[0], parts[1], parts[2]);
    if method.is_empty()
        || !method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ReadError::Bad(400));
    }
    if !version.starts_with("HTTP/") {
        return Err(ReadError::Bad(400));
    }
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Bad(505));
    }

    let mut headers = Vec::new();
    let mut head_size = line.len();
    loop {
        let Some(h) = rd.read_line(MAX_LINE)? else {
            return Err(ReadError::Io);
        };
        if h.is_empty() {
            break;
        }
        head_size += h.len() + 2;
        if headers.len() >= MAX_HEADERS || head_size > MAX_HEAD {
            return Err(ReadError::Bad(431));
        }
        if h.starts_with(' ') || h.starts_with('\t') {
            return Err(ReadError::Bad(400)); // obsolete line folding
        }
        let Some((name, value)) = h.split_once(':') else {
            return Err(ReadError::Bad(400));
        };
        if name.is_empty()
            || name
                .bytes()
                .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err(ReadError::Bad(400));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    let received = Instant::now();

    let mut req = Request {
        method: method.to_string(),
        path: target.to_string(),
        version: version.to_string(),
        headers,
        body: Vec::new(),
        peer,
        conn,
        received,
    };

    let chunked = req
        .header_all("transfer-encoding")
        .iter()
        .any(|v| v.to_ascii_lowercase().contains("chunked"));
    let lengths: Vec<&str> = req.header_all("content-length");
    let content_length = if chunked || lengths.is_empty() {
        None
    } else {
        let mut parsed = None;
        for v in &lengths {
            let Ok(n) = v.trim().parse::<u64>() else {
                return Err(ReadError::Bad(400));
            };
            if parsed.is_some_and(|p| p != n) {
                return Err(ReadError::Bad(400));
            }
            parsed = Some(n);
        }
        parsed
    };
    if content_length.is_some_and(|n| n > MAX_BODY) {
        return Err(ReadError::Bad(413));
    }
    let expects_body = chunked || content_length.is_some_and(|n| n > 0);
    let expect_continue = req
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
    if expects_body && expect_continue && req.version == "HTTP/1.1" {
        let mut w = &rd.stream;
        w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    if chunked {
        req.body = read_chunked_body(rd)?;
    } else if let Some(n) = content_length {
        req.body = rd.read_exact_n(n as usize)?;
    }
    Ok(Some(req))
}

/// Decodes a chunked request body (trailers are read and discarded).
fn read_chunked_body(rd: &mut Reader) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let Some(line) = rd.read_line(MAX_LINE)? else {
            return Err(ReadError::Io);
        };
        let size_text = line.split(';').next().unwrap_or("").trim();
        let Ok(size) = u64::from_str_radix(size_text, 16) else {
            return Err(ReadError::Bad(400));
        };
        if body.len() as u64 + size > MAX_BODY {
            return Err(ReadError::Bad(413));
        }
        if size == 0 {
            // Trailer section, up to the empty line.
            for _ in 0..MAX_HEADERS {
                match rd.read_line(MAX_LINE)? {
                    None => return Err(ReadError::Io),
                    Some(l) if l.is_empty() => return Ok(body),
                    Some(_) => {}
                }
            }
            return Err(ReadError::Bad(431));
        }
        body.extend_from_slice(&rd.read_exact_n(size as usize)?);
        match rd.read_line(MAX_LINE)? {
            Some(l) if l.is_empty() => {}
            Some(_) => return Err(ReadError::Bad(400)),
            None => return Err(ReadError::Io),
        }
    }
}

// ---------------------------------------------------------------------------
// Site
// ---------------------------------------------------------------------------

/// A route handler stored in a [`Site`].
type Route = Arc<dyn Fn(&Request) -> Response + Send + Sync>;

/// A static site: a map from path to response factory, `404` otherwise.
///
/// Lookup order for a request target `t`: an exact route for `t` (path
/// plus query), then a route for `t` without its query, then the fallback
/// (default: [`Response::not_found`]). Routes match every method; `HEAD`
/// automatically gets the headers only.
#[derive(Clone, Default)]
pub struct Site {
    routes: HashMap<String, Route>,
    fallback: Option<Route>,
}

impl Site {
    /// An empty site (everything is 404).
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `html` at `path` as `text/html; charset=utf-8`.
    pub fn page(self, path: &str, html: impl Into<Vec<u8>>) -> Self {
        self.response(path, Response::html(html))
    }

    /// Serves `body` at `path` with the given `Content-Type`.
    pub fn page_bytes(self, path: &str, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.response(path, Response::bytes(200, content_type, body.into()))
    }

    /// Serves a clone of `resp` at `path`.
    pub fn response(self, path: &str, resp: Response) -> Self {
        self.route(path, move |_| resp.clone())
    }

    /// Redirects `path` to `location` with `status`.
    pub fn redirect(self, path: &str, status: u16, location: &str) -> Self {
        self.response(path, Response::redirect(status, location))
    }

    /// Serves `path` with a custom handler (replaces an earlier route).
    pub fn route<F>(mut self, path: &str, f: F) -> Self
    where
        F: Fn(&Request) -> Response + Send + Sync + 'static,
    {
        self.routes.insert(path.to_string(), Arc::new(f));
        self
    }

    /// Handler for paths without a route (instead of 404).
    pub fn fallback<F>(mut self, f: F) -> Self
    where
        F: Fn(&Request) -> Response + Send + Sync + 'static,
    {
        self.fallback = Some(Arc::new(f));
        self
    }

    /// Answers one request as the server would.
    pub fn handle(&self, req: &Request) -> Response {
        let route = self
            .routes
            .get(&req.path)
            .or_else(|| self.routes.get(req.path_only()))
            .or(self.fallback.as_ref());
        match route {
            Some(f) => f(req),
            None => Response::not_found(),
        }
    }

    /// Turns the site into a handler for [`TestServer::start`] and friends.
    pub fn into_handler(self) -> impl Fn(&Request) -> Response + Send + Sync + 'static {
        move |req: &Request| self.handle(req)
    }

    /// Serves the site on `127.0.0.1:0`.
    pub fn serve(self) -> TestServer {
        TestServer::start(self.into_handler())
    }

    /// Serves the site on `[::1]:0` (`None` without IPv6 loopback).
    pub fn serve_v6(self) -> Option<TestServer> {
        TestServer::start_v6(self.into_handler())
    }

    /// Serves the site on `addr`.
    pub fn serve_on(self, addr: SocketAddr) -> io::Result<TestServer> {
        TestServer::start_on(addr, self.into_handler())
    }

    /// Serves the site on the same port of `127.0.0.1` and `[::1]`; see
    /// [`TestServer::start_dual`].
    pub fn serve_dual(self) -> (TestServer, Option<TestServer>) {
        TestServer::start_dual(self.into_handler())
    }
}

// ---------------------------------------------------------------------------
// gzip / zlib / deflate encoders (std only)
// ---------------------------------------------------------------------------

/// CRC-32 (IEEE, reflected) lookup table.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC-32 as used by gzip.
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c = CRC_TABLE[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8);
    }
    c ^ 0xFFFF_FFFF
}

/// An affine map over GF(2)^32, `s -> L(s) ^ k`, used to compute the CRC
/// of a long run of one byte in O(log n).
#[derive(Clone, Copy)]
struct Affine {
    cols: [u32; 32],
    k: u32,
}

impl Affine {
    fn linear(&self, s: u32) -> u32 {
        let mut r = 0;
        for (i, col) in self.cols.iter().enumerate() {
            if s >> i & 1 == 1 {
                r ^= col;
            }
        }
        r
    }

    fn apply(&self, s: u32) -> u32 {
        self.linear(s) ^ self.k
    }

    /// `self ∘ other` (apply `other` first).
    fn after(&self, other: &Affine) -> Affine {
        let mut cols = [0u32; 32];
        for (c, oc) in cols.iter_mut().zip(other.cols.iter()) {
            *c = self.linear(*oc);
        }
        Affine {
            cols,
            k: self.linear(other.k) ^ self.k,
        }
    }
}

/// CRC-32 of `n` copies of `byte`, in O(log n).
pub fn crc32_repeat(byte: u8, n: u64) -> u32 {
    // One CRC step: s -> table[(s ^ byte) & 0xff] ^ (s >> 8), which is
    // affine in s because the table is linear.
    let mut step = Affine {
        cols: [0; 32],
        k: CRC_TABLE[byte as usize],
    };
    for (i, col) in step.cols.iter_mut().enumerate() {
        let s = 1u32 << i;
        *col = CRC_TABLE[(s & 0xFF) as usize] ^ (s >> 8);
    }
    let mut acc = Affine {
        cols: std::array::from_fn(|i| 1u32 << i),
        k: 0,
    };
    let mut n = n;
    while n > 0 {
        if n & 1 == 1 {
            acc = step.after(&acc);
        }
        step = step.after(&step);
        n >>= 1;
    }
    acc.apply(0xFFFF_FFFF) ^ 0xFFFF_FFFF
}

/// Adler-32 as used by zlib.
pub fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += x as u32;
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// Adler-32 of `n` copies of `byte`, in O(1).
fn adler32_repeat(byte: u8, n: u64) -> u32 {
    const MOD: u128 = 65521;
    let (n, x) = (n as u128, byte as u128);
    let a = (1 + n * x) % MOD;
    // sum over i = 1..=n of (1 + i*x)
    let b = (n + x * (n * (n + 1) / 2)) % MOD;
    ((b as u32) << 16) | a as u32
}

/// LSB-first bit writer for deflate.
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    nbits: u32,
}

impl BitWriter {
    fn new() -> Self {
        BitWriter {
            out: Vec::new(),
            acc: 0,
            nbits: 0,
        }
    }

    /// Writes the low `n` (<= 32) bits of `bits`, LSB first.
    fn put(&mut self, bits: u32, n: u32) {
        let mask = if n == 32 { u32::MAX } else { (1u32 << n) - 1 };
        self.acc |= u64::from(bits & mask) << self.nbits;
        self.nbits += n;
        while self.nbits >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.nbits -= 8;
        }
    }

    /// Writes a Huffman code (given MSB-first, as deflate defines them).
    fn put_code(&mut self, code: u16, len: u8) {
        let mut rev = 0u32;
        for i in 0..len {
            rev |= u32::from(code >> i & 1) << (len - 1 - i);
        }
        self.put(rev, u32::from(len));
    }

    fn finish(mut self) -> Vec<u8> {
        if self.nbits > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// Canonical Huffman codes for the given code lengths (RFC 1951 3.2.2).
fn canonical_codes(lengths: &[u8]) -> Vec<u16> {
    let mut bl_count = [0u16; 16];
    for &l in lengths {
        if l > 0 {
            bl_count[l as usize] += 1;
        }
    }
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for bits in 1..16 {
        code = (code + bl_count[bits - 1]) << 1;
        next[bits] = code;
    }
    lengths
        .iter()
        .map(|&l| {
            if l == 0 {
                0
            } else {
                let c = next[l as usize];
                next[l as usize] += 1;
                c
            }
        })
        .collect()
}

/// Raw deflate stream (RFC 1951) of `data`, using stored blocks.
pub fn deflate_raw(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 65535 * 5 + 5);
    let mut chunks = data.chunks(65535).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
        return out;
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        out.push(u8::from(last)); // BFINAL, BTYPE=00, padding
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out
}

/// Raw deflate stream that inflates to `n` copies of `byte`, compressed
/// about 1030:1 (one dynamic-Huffman block: a literal, then 2-bit
/// "length 258, distance 1" matches).
pub fn deflate_raw_fill(n: u64, byte: u8) -> Vec<u8> {
    // Literal/length alphabet: `byte` and end-of-block get 2-bit codes,
    // 285 (length 258) a 1-bit code. Distance codes 0 and 1 get 1 bit each
    // (complete codes keep every decoder happy).
    let mut lit = [0u8; 286];
    lit[byte as usize] = 2;
    lit[256] = 2;
    lit[285] = 1;
    let dist = [1u8, 1];
    // Code-length alphabet: eight symbols of 3 bits each (complete).
    let mut cl = [0u8; 19];
    for s in [0, 1, 2, 3, 4, 16, 17, 18] {
        cl[s] = 3;
    }
    const CL_ORDER: [usize; 19] = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ];
    let lit_codes = canonical_codes(&lit);
    let dist_codes = canonical_codes(&dist);
    let cl_codes = canonical_codes(&cl);

    let mut w = BitWriter::new();
    w.put(1, 1); // BFINAL
    w.put(2, 2); // BTYPE = dynamic
    w.put(286 - 257, 5); // HLIT
    w.put(2 - 1, 5); // HDIST
    w.put(18 - 4, 4); // HCLEN: through symbol 1 in CL_ORDER
    for &s in &CL_ORDER[..18] {
        w.put(u32::from(cl[s]), 3);
    }
    // Code lengths of both alphabets as one run-length coded sequence.
    let seq: Vec<u8> = lit.iter().chain(dist.iter()).copied().collect();
    let mut i = 0;
    while i < seq.len() {
        let v = seq[i];
        let run = seq[i..].iter().take_while(|&&x| x == v).count();
        if v == 0 && run >= 11 {
            let r = run.min(138);
            w.put_code(cl_codes[18], cl[18]);
            w.put((r - 11) as u32, 7);
            i += r;
        } else if v == 0 && run >= 3 {
            let r = run.min(10);
            w.put_code(cl_codes[17], cl[17]);
            w.put((r - 3) as u32, 3);
            i += r;
        } else {
            w.put_code(cl_codes[v as usize], cl[v as usize]);
            i += 1;
        }
    }

    let lit_code = (lit_codes[byte as usize], lit[byte as usize]);
    if n > 0 {
        w.put_code(lit_code.0, lit_code.1);
        let remaining = n - 1;
        let matches = remaining / 258;
        let rest = remaining % 258;
        // One match = code(285) then code(distance 0), 2 bits in total.
        let mut pair = BitWriter::new();
        pair.put_code(lit_codes[285], lit[285]);
        pair.put_code(dist_codes[0], dist[0]);
        let pair_bits = u32::from(pair.acc as u8 & 0b11);
        let mut sixteen = 0u32;
        for k in 0..16 {
            sixteen |= pair_bits << (2 * k);
        }
        for _ in 0..matches / 16 {
            w.put(sixteen, 32);
        }
        for _ in 0..matches % 16 {
            w.put(pair_bits, 2);
        }
        for _ in 0..rest {
            w.put_code(lit_code.0, lit_code.1);
        }
    }
    w.put_code(lit_codes[256], lit[256]);
    w.finish()
}

/// gzip header: no name, no mtime, "unknown" OS.
const GZIP_HEADER: [u8; 10] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 2, 0xFF];

/// A gzip member (RFC 1952) containing `data` (stored blocks).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = GZIP_HEADER.to_vec();
    out.extend_from_slice(&deflate_raw(data));
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// A gzip member that inflates to `n` copies of `byte` (a gzip bomb:
/// 1 GiB inflates from about 1 MiB).
pub fn gzip_fill(n: u64, byte: u8) -> Vec<u8> {
    let mut out = GZIP_HEADER.to_vec();
    out.extend_from_slice(&deflate_raw_fill(n, byte));
    out.extend_from_slice(&crc32_repeat(byte, n).to_le_bytes());
    out.extend_from_slice(&(n as u32).to_le_bytes()); // ISIZE is mod 2^32
    out
}

/// A gzip member that inflates to `n` zero bytes (`0x00`).
pub fn gzip_zeros(n: u64) -> Vec<u8> {
    gzip_fill(n, 0)
}

/// A zlib stream (RFC 1950) containing `data` (for
/// `Content-Encoding: deflate`, which in practice means zlib-wrapped).
pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    out.extend_from_slice(&deflate_raw(data));
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// A zlib stream that inflates to `n` copies of `byte`.
pub fn zlib_fill(n: u64, byte: u8) -> Vec<u8> {
    let mut out = vec![0x78, 0xDA];
    out.extend_from_slice(&deflate_raw_fill(n, byte));
    out.extend_from_slice(&adler32_repeat(byte, n).to_be_bytes());
    out
}
