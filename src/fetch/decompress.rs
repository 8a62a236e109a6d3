//! Streaming decompression of response bodies (gzip, deflate, br) with a cap on the output.
//!
//! The fetcher asks for compressed bodies itself and decompresses chunk by chunk here instead
//! of letting reqwest do it, so that it can count the bytes on the wire (the `--max-body-size`
//! cap, crawl statistics) and the bytes after decompression (the `--max-decompressed-size`
//! cap) separately: a 1 GiB gzip bomb is about 1 MiB on the wire and stops at the
//! decompressed cap after reading a few KiB.

use std::io::Write;

/// A `Vec` that accepts at most `cap` bytes; writing past it fails (which stops the decoder)
/// and sets `full`.
#[derive(Debug, Default)]
pub struct CappedVec {
    /// The bytes kept.
    pub buf: Vec<u8>,
    cap: usize,
    /// Whether more bytes were offered than the cap allows.
    pub full: bool,
}

impl CappedVec {
    /// An empty buffer with a cap.
    pub fn new(cap: usize) -> CappedVec {
        CappedVec {
            buf: Vec::new(),
            cap,
            full: false,
        }
    }
}

impl Write for CappedVec {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let room = self.cap.saturating_sub(self.buf.len());
        if room == 0 && !data.is_empty() {
            self.full = true;
            return Err(std::io::Error::other("decompressed size limit reached"));
        }
        let n = data.len().min(room);
        self.buf.extend_from_slice(&data[..n]);
        if n < data.len() {
            self.full = true;
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

enum Inner {
    Identity(CappedVec),
    /// `deflate`: zlib-wrapped per the HTTP specification, but some servers send raw deflate;
    /// the choice is made on the first two bytes.
    DeflatePending(CappedVec, Vec<u8>),
    Gzip(Box<flate2::write::MultiGzDecoder<CappedVec>>),
    Zlib(Box<flate2::write::ZlibDecoder<CappedVec>>),
    Raw(Box<flate2::write::DeflateDecoder<CappedVec>>),
    Brotli(Box<brotli_decompressor::DecompressorWriter<CappedVec>>),
}

/// Decodes a body as its chunks arrive.
pub struct Decoder {
    inner: Inner,
    error: Option<String>,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("error", &self.error)
            .finish()
    }
}

/// What decoding produced.
#[derive(Debug)]
pub struct Decoded {
    /// The decoded bytes (at most the cap).
    pub body: Vec<u8>,
    /// Whether the decoded body was cut at the cap.
    pub capped: bool,
    /// A decoding error (corrupt data); the bytes decoded before it are kept.
    pub error: Option<String>,
}

impl Decoder {
    /// A decoder for a `Content-Encoding` value (`None`, `identity` and unknown codings pass
    /// the bytes through), keeping at most `cap` decoded bytes.
    pub fn new(content_encoding: Option<&str>, cap: u64) -> Decoder {
        let cap = usize::try_from(cap).unwrap_or(usize::MAX);
        let out = CappedVec::new(cap);
        let coding = content_encoding
            .and_then(|v| v.split(',').map(str::trim).rfind(|c| !c.is_empty()))
            .map(str::to_ascii_lowercase);
        let inner = match coding.as_deref() {
            Some("gzip" | "x-gzip") => {
                Inner::Gzip(Box::new(flate2::write::MultiGzDecoder::new(out)))
            }
            Some("deflate") => Inner::DeflatePending(out, Vec::new()),
            Some("br") => Inner::Brotli(Box::new(brotli_decompressor::DecompressorWriter::new(
                out, 8192,
            ))),
            _ => Inner::Identity(out),
        };
        Decoder { inner, error: None }
    }

    /// Whether the cap was reached (reading more is pointless).
    pub fn is_full(&self) -> bool {
        self.out().is_some_and(|o| o.full)
    }

    /// Whether decoding failed.
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    fn out(&self) -> Option<&CappedVec> {
        Some(match &self.inner {
            Inner::Identity(o) | Inner::DeflatePending(o, _) => o,
            Inner::Gzip(d) => d.get_ref(),
            Inner::Zlib(d) => d.get_ref(),
            Inner::Raw(d) => d.get_ref(),
            Inner::Brotli(d) => d.get_ref(),
        })
    }

    /// Feeds a chunk of the body as received.
    pub fn push(&mut self, chunk: &[u8]) {
        if self.error.is_some() || self.is_full() {
            return;
        }
        if let Inner::DeflatePending(out, pending) = &mut self.inner {
            pending.extend_from_slice(chunk);
            if pending.len() < 2 {
                return;
            }
            let (b0, b1) = (pending[0], pending[1]);
            let zlib = b0 & 0x0f == 8 && (u16::from(b0) << 8 | u16::from(b1)) % 31 == 0;
            let out = std::mem::take(out);
            let data = std::mem::take(pending);
            self.inner = if zlib {
                Inner::Zlib(Box::new(flate2::write::ZlibDecoder::new(out)))
            } else {
                Inner::Raw(Box::new(flate2::write::DeflateDecoder::new(out)))
            };
            return self.push(&data);
        }
        let res = match &mut self.inner {
            Inner::Identity(o) => {
                let _ = o.write(chunk);
                Ok(())
            }
            Inner::Gzip(d) => d.write_all(chunk),
            Inner::Zlib(d) => d.write_all(chunk),
            Inner::Raw(d) => d.write_all(chunk),
            Inner::Brotli(d) => d.write_all(chunk),
            Inner::DeflatePending(..) => Ok(()),
        };
        if let Err(e) = res
            && !self.is_full()
        {
            self.error = Some(e.to_string());
        }
    }

    /// Ends the body and returns what was decoded.
    pub fn finish(self) -> Decoded {
        let mut error = self.error;
        let out = match self.inner {
            Inner::Identity(o) => o,
            Inner::DeflatePending(mut o, pending) => {
                // Fewer than two bytes: nothing decodable; keep them as they are.
                let _ = o.write(&pending);
                o
            }
            Inner::Gzip(mut d) => {
                if let Err(e) = d.try_finish()
                    && !d.get_ref().full
                    && error.is_none()
                {
                    error = Some(e.to_string());
                }
                take_out(d.get_mut())
            }
            Inner::Zlib(mut d) => {
                if let Err(e) = d.try_finish()
                    && !d.get_ref().full
                    && error.is_none()
                {
                    error = Some(e.to_string());
                }
                take_out(d.get_mut())
            }
            Inner::Raw(mut d) => {
                if let Err(e) = d.try_finish()
                    && !d.get_ref().full
                    && error.is_none()
                {
                    error = Some(e.to_string());
                }
                take_out(d.get_mut())
            }
            Inner::Brotli(mut d) => {
                if let Err(e) = d.close()
                    && !d.get_ref().full
                    && error.is_none()
                {
                    error = Some(e.to_string());
                }
                take_out(d.get_mut())
            }
        };
        Decoded {
            capped: out.full,
            body: out.buf,
            error,
        }
    }
}

fn take_out(o: &mut CappedVec) -> CappedVec {
    CappedVec {
        buf: std::mem::take(&mut o.buf),
        cap: o.cap,
        full: o.full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).expect("write");
        e.finish().expect("finish")
    }

    fn decode(coding: Option<&str>, body: &[u8], cap: u64, chunk: usize) -> Decoded {
        let mut d = Decoder::new(coding, cap);
        for c in body.chunks(chunk.max(1)) {
            d.push(c);
            if d.is_full() {
                break;
            }
        }
        d.finish()
    }

    #[test]
    fn identity_and_cap() {
        let d = decode(None, b"hello world", 5, 3);
        assert_eq!(d.body, b"hello");
        assert!(d.capped);
        let d = decode(Some("identity"), b"hello", 100, 2);
        assert_eq!(d.body, b"hello");
        assert!(!d.capped);
    }

    #[test]
    fn gzip_round_trip_and_bomb() {
        let text = "政府网站".repeat(1000);
        let d = decode(Some("gzip"), &gz(text.as_bytes()), 1 << 20, 100);
        assert_eq!(d.body, text.as_bytes());
        assert!(!d.capped && d.error.is_none());
        // 64 MiB of zeros compress to ~64 KiB; a 1 MiB cap stops early.
        let bomb = gz(&vec![0u8; 64 << 20]);
        let d = decode(Some("gzip"), &bomb, 1 << 20, 4096);
        assert_eq!(d.body.len(), 1 << 20);
        assert!(d.capped);
        assert!(d.error.is_none());
    }

    #[test]
    fn deflate_zlib_and_raw() {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(b"zlib body").expect("write");
        let zb = z.finish().expect("finish");
        assert_eq!(decode(Some("deflate"), &zb, 100, 1).body, b"zlib body");
        let mut r = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        r.write_all(b"raw body").expect("write");
        let rb = r.finish().expect("finish");
        assert_eq!(decode(Some("deflate"), &rb, 100, 1).body, b"raw body");
    }

    #[test]
    fn brotli_and_corrupt() {
        // "hello" compressed with brotli (quality 11, produced by the reference encoder).
        let br = [0x0b, 0x02, 0x80, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x03];
        let d = decode(Some("br"), &br, 100, 2);
        assert_eq!(d.body, b"hello");
        let d = decode(Some("gzip"), b"definitely not gzip", 100, 4);
        assert!(d.error.is_some());
    }
}
