//! A small, std-only authoritative DNS server for integration tests (UDP on `127.0.0.1`).
//!
//! ```ignore
//! mod common;
//! use common::dns::{TestDns, Zone};
//!
//! let dns = TestDns::start(
//!     Zone::new("v6test.gov.cn")
//!         .ns("ns1.v6test.gov.cn")
//!         .aaaa("ns1.v6test.gov.cn", "::1")
//!         .a("www.v6test.gov.cn", "127.0.0.1")
//!         .aaaa("www.v6test.gov.cn", "::1")
//!         .cname("cdn.v6test.gov.cn", "www.v6test.gov.cn"),
//! );
//! // govaudit audit --dns-server 127.0.0.1:PORT http://www.v6test.gov.cn:HTTPPORT/
//! let flag = dns.server(); // "127.0.0.1:PORT"
//! ```
//!
//! It answers A, AAAA, CNAME, NS and SOA queries for the names of its zones (several zones may
//! be served, [`TestDns::start_zones`]), follows CNAME chains inside its zones, answers
//! NODATA (NOERROR, empty answer, the zone's SOA in the authority section) for an existing
//! name without records of the asked type, NXDOMAIN (with the SOA) for a missing name inside
//! a zone, REFUSED for names outside every zone, and SERVFAIL where told
//! ([`Zone::servfail`]). Every query is logged
//! ([`TestDns::queries`]). No compression is used in answers; EDNS options in queries are
//! ignored. It never panics on malformed packets (they are dropped).

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

const TYPE_A: u16 = 1;
const TYPE_NS: u16 = 2;
const TYPE_CNAME: u16 = 5;
const TYPE_SOA: u16 = 6;
const TYPE_AAAA: u16 = 28;

/// One record's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rdata {
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An IPv6 address.
    Aaaa(Ipv6Addr),
    /// An alias.
    Cname(String),
    /// A name server.
    Ns(String),
}

impl Rdata {
    fn rtype(&self) -> u16 {
        match self {
            Rdata::A(_) => TYPE_A,
            Rdata::Aaaa(_) => TYPE_AAAA,
            Rdata::Cname(_) => TYPE_CNAME,
            Rdata::Ns(_) => TYPE_NS,
        }
    }
}

/// A zone: an apex and records (names are absolute, without the final dot).
#[derive(Debug, Clone)]
pub struct Zone {
    apex: String,
    records: Vec<(String, Rdata)>,
    failing: Vec<(String, u16)>,
}

fn norm(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

impl Zone {
    /// An empty zone (the SOA is implicit).
    pub fn new(apex: &str) -> Zone {
        Zone {
            apex: norm(apex),
            records: Vec::new(),
            failing: Vec::new(),
        }
    }

    /// Answers SERVFAIL to queries of this name and type (28 for AAAA...).
    pub fn servfail(mut self, name: &str, qtype: u16) -> Zone {
        self.failing.push((norm(name), qtype));
        self
    }

    /// Adds an A record. Panics on a malformed address (test input).
    pub fn a(mut self, name: &str, ip: &str) -> Zone {
        let ip = ip.parse().expect("Zone::a: IPv4 address");
        self.records.push((norm(name), Rdata::A(ip)));
        self
    }

    /// Adds an AAAA record. Panics on a malformed address (test input).
    pub fn aaaa(mut self, name: &str, ip: &str) -> Zone {
        let ip = ip.parse().expect("Zone::aaaa: IPv6 address");
        self.records.push((norm(name), Rdata::Aaaa(ip)));
        self
    }

    /// Adds an A and an AAAA record (`127.0.0.1` and `::1`).
    pub fn dual(self, name: &str) -> Zone {
        self.a(name, "127.0.0.1").aaaa(name, "::1")
    }

    /// Adds a CNAME record.
    pub fn cname(mut self, name: &str, target: &str) -> Zone {
        self.records.push((norm(name), Rdata::Cname(norm(target))));
        self
    }

    /// Adds an NS record at the apex.
    pub fn ns(mut self, server: &str) -> Zone {
        let apex = self.apex.clone();
        self.records.push((apex, Rdata::Ns(norm(server))));
        self
    }

    fn contains(&self, name: &str) -> bool {
        name == self.apex || name.ends_with(&format!(".{}", self.apex))
    }

    fn exists(&self, name: &str) -> bool {
        name == self.apex
            || self
                .records
                .iter()
                .any(|(n, _)| n == name || n.ends_with(&format!(".{name}")))
    }
}

/// One query received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The name asked (lower case, no final dot).
    pub name: String,
    /// The type code (1 A, 2 NS, 5 CNAME, 6 SOA, 28 AAAA...).
    pub qtype: u16,
}

/// A running test DNS server; stops when dropped.
pub struct TestDns {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<Query>>>,
    thread: Option<JoinHandle<()>>,
}

impl TestDns {
    /// Serves one zone on `127.0.0.1:0`.
    pub fn start(zone: Zone) -> TestDns {
        Self::start_zones(vec![zone])
    }

    /// Serves several zones on `127.0.0.1:0`. Panics if binding fails.
    pub fn start_zones(zones: Vec<Zone>) -> TestDns {
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("TestDns: bind");
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .expect("TestDns: timeout");
        let addr = socket.local_addr().expect("TestDns: local addr");
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (stop2, log2) = (Arc::clone(&stop), Arc::clone(&log));
        let thread = std::thread::Builder::new()
            .name(format!("test-dns-{}", addr.port()))
            .spawn(move || serve(socket, zones, stop2, log2))
            .expect("TestDns: thread");
        TestDns {
            addr,
            stop,
            log,
            thread: Some(thread),
        }
    }

    /// The server address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The `--dns-server` value: `127.0.0.1:PORT`.
    pub fn server(&self) -> String {
        self.addr.to_string()
    }

    /// Every query received, in order.
    pub fn queries(&self) -> Vec<Query> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for TestDns {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(socket: UdpSocket, zones: Vec<Zone>, stop: Arc<AtomicBool>, log: Arc<Mutex<Vec<Query>>>) {
    let mut buf = [0u8; 4096];
    let zones: HashMap<String, Zone> = zones.into_iter().map(|z| (z.apex.clone(), z)).collect();
    while !stop.load(Ordering::SeqCst) {
        let (n, peer) = match socket.recv_from(&mut buf) {
            Ok(x) => x,
            Err(_) => continue,
        };
        let Some(reply) = answer(&buf[..n], &zones, &log) else {
            continue;
        };
        let _ = socket.send_to(&reply, peer);
    }
}

/// Parses a query and builds the reply; `None` for a packet that is not a parsable query.
fn answer(
    packet: &[u8],
    zones: &HashMap<String, Zone>,
    log: &Mutex<Vec<Query>>,
) -> Option<Vec<u8>> {
    if packet.len() < 12 || packet[2] & 0x80 != 0 {
        return None;
    }
    let qdcount = u16::from_be_bytes([packet[4], packet[5]]);
    if qdcount != 1 {
        return None;
    }
    let (labels, mut pos) = read_name(packet, 12)?;
    let qtype = u16::from_be_bytes([*packet.get(pos)?, *packet.get(pos + 1)?]);
    pos += 4; // type + class
    let question = &packet[12..pos];
    let name = labels.join(".").to_ascii_lowercase();
    if let Ok(mut l) = log.lock() {
        l.push(Query {
            name: name.clone(),
            qtype,
        });
    }
    let rd = packet[2] & 0x01;
    let zone = zones
        .values()
        .filter(|z| z.contains(&name))
        .max_by_key(|z| z.apex.len());
    let mut answers: Vec<(String, Rdata)> = Vec::new();
    let mut soa: Option<&Zone> = None;
    let failing = zone.is_some_and(|z| z.failing.iter().any(|(n, t)| *n == name && *t == qtype));
    let rcode: u8 = match zone {
        None => 5,               // REFUSED
        Some(_) if failing => 2, // SERVFAIL
        Some(_) => {
            let mut current = name.clone();
            let mut rcode = 0;
            for _ in 0..8 {
                let Some(z) = zones
                    .values()
                    .filter(|z| z.contains(&current))
                    .max_by_key(|z| z.apex.len())
                else {
                    break;
                };
                let here: Vec<&(String, Rdata)> =
                    z.records.iter().filter(|(n, _)| *n == current).collect();
                let direct: Vec<&(String, Rdata)> = here
                    .iter()
                    .copied()
                    .filter(|(_, r)| r.rtype() == qtype)
                    .collect();
                if qtype == TYPE_SOA && current == z.apex {
                    soa = Some(z);
                    break;
                }
                if !direct.is_empty() {
                    answers.extend(direct.into_iter().cloned());
                    break;
                }
                if let Some((_, Rdata::Cname(target))) =
                    here.iter().find(|(_, r)| matches!(r, Rdata::Cname(_)))
                {
                    answers.push((current.clone(), Rdata::Cname(target.clone())));
                    current = target.clone();
                    continue;
                }
                soa = Some(z);
                if answers.is_empty() && !z.exists(&current) {
                    rcode = 3; // NXDOMAIN
                }
                break;
            }
            rcode
        }
    };
    let soa_in_answer = qtype == TYPE_SOA
        && answers.is_empty()
        && rcode == 0
        && soa.is_some_and(|z| z.apex == name);
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(&packet[0..2]); // id
    out.push(0x84 | rd); // QR, AA, RD copied
    out.push(0x80 | rcode); // RA, rcode
    out.extend_from_slice(&1u16.to_be_bytes());
    let ancount = answers.len() + usize::from(soa_in_answer);
    let nscount = usize::from(soa.is_some() && !soa_in_answer);
    out.extend_from_slice(&(ancount as u16).to_be_bytes());
    out.extend_from_slice(&(nscount as u16).to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(question);
    for (owner, rdata) in &answers {
        write_record(&mut out, owner, rdata);
    }
    if let Some(z) = soa {
        write_soa(&mut out, &z.apex);
    }
    Some(out)
}

fn read_name(packet: &[u8], mut pos: usize) -> Option<(Vec<String>, usize)> {
    let mut labels = Vec::new();
    loop {
        let len = *packet.get(pos)? as usize;
        if len == 0 {
            return Some((labels, pos + 1));
        }
        if len & 0xc0 != 0 {
            return None; // no compression in questions
        }
        let label = packet.get(pos + 1..pos + 1 + len)?;
        labels.push(String::from_utf8_lossy(label).into_owned());
        pos += 1 + len;
        if labels.len() > 127 {
            return None;
        }
    }
}

fn write_name(out: &mut Vec<u8>, name: &str) {
    for label in name.split('.').filter(|l| !l.is_empty()) {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
}

fn write_header(out: &mut Vec<u8>, owner: &str, rtype: u16, rdata: &[u8]) {
    write_name(out, owner);
    out.extend_from_slice(&rtype.to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes()); // IN
    out.extend_from_slice(&60u32.to_be_bytes()); // TTL
    out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    out.extend_from_slice(rdata);
}

fn write_record(out: &mut Vec<u8>, owner: &str, rdata: &Rdata) {
    let mut data = Vec::new();
    match rdata {
        Rdata::A(ip) => data.extend_from_slice(&ip.octets()),
        Rdata::Aaaa(ip) => data.extend_from_slice(&ip.octets()),
        Rdata::Cname(n) | Rdata::Ns(n) => write_name(&mut data, n),
    }
    write_header(out, owner, rdata.rtype(), &data);
}

fn write_soa(out: &mut Vec<u8>, apex: &str) {
    let mut data = Vec::new();
    write_name(&mut data, &format!("ns1.{apex}"));
    write_name(&mut data, &format!("hostmaster.{apex}"));
    for v in [2_024_010_100_u32, 3600, 600, 86400, 60] {
        data.extend_from_slice(&v.to_be_bytes());
    }
    write_header(out, apex, TYPE_SOA, &data);
}
