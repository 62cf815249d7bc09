//! A binary adaptive range coder (the LZMA carry-propagating kind) with uniform symbols and
//! an adaptive Exp-Golomb integer model: the status list's entries code close to their
//! entropy with it, where deflate over packed bits does not. Deterministic integer arithmetic
//! only, so every platform (wasm included) writes and reads the same bytes.

use crate::Malformed;

/// The range is kept at or above this after every symbol.
const TOP: u32 = 1 << 24;
/// Probabilities are 16-bit (of a 0 bit) in the coder, 24-bit in the models.
const PROB_BITS: u32 = 16;
/// Up to this many observations a model averages them all; after, it follows the last ~256.
const ADAPT_LIMIT: u32 = 1023;
const OUT_OF_RANGE: Malformed = Malformed::Structure("status list coding out of range");

/// An adaptive estimate of the probability that a bit is 0.
#[derive(Clone, Copy)]
pub struct Bit {
    /// P(0) in units of 2^-24.
    p: u32,
    seen: u32,
}

impl Default for Bit {
    fn default() -> Self {
        Bit {
            p: 1 << 23,
            seen: 0,
        }
    }
}

impl Bit {
    /// P(0) as the coder uses it, never 0 nor 1.
    fn p16(self) -> u32 {
        (self.p >> 8).clamp(1, (1 << PROB_BITS) - 1)
    }

    fn update(&mut self, bit: bool) {
        let target: i64 = if bit { 0 } else { 1 << 24 };
        let p = i64::from(self.p);
        let step = (target - p) / (i64::from(self.seen.min(ADAPT_LIMIT)) + 2);
        // Stays within 0..=2^24: a step never passes the target.
        self.p = u32::try_from(p + step).unwrap_or(self.p);
        self.seen = self.seen.saturating_add(1);
    }
}

/// Writes symbols; [`Encoder::finish`] gives the bytes.
pub struct Encoder {
    low: u64,
    range: u32,
    cache: u8,
    pending: u64,
    out: Vec<u8>,
    /// LZMA's first output byte is always 0: it is not written.
    started: bool,
}

impl Default for Encoder {
    fn default() -> Self {
        Encoder {
            low: 0,
            range: u32::MAX,
            cache: 0,
            pending: 1,
            out: Vec::new(),
            started: false,
        }
    }
}

impl Encoder {
    fn shift_low(&mut self) {
        if self.low < 0xFF00_0000 || self.low > 0xFFFF_FFFF {
            let carry = (self.low >> 32) as u8;
            let mut byte = self.cache;
            while self.pending > 0 {
                if self.started {
                    self.out.push(byte.wrapping_add(carry));
                }
                self.started = true;
                byte = 0xFF;
                self.pending -= 1;
            }
            self.cache = (self.low >> 24) as u8;
        }
        self.pending += 1;
        self.low = (self.low & 0x00FF_FFFF) << 8;
    }

    fn normalize(&mut self) {
        while self.range < TOP {
            self.range <<= 8;
            self.shift_low();
        }
    }

    /// One bit with the adaptive model `m`.
    pub fn bit(&mut self, m: &mut Bit, bit: bool) {
        let bound = (self.range >> PROB_BITS) * m.p16();
        if bit {
            self.low += u64::from(bound);
            self.range -= bound;
        } else {
            self.range = bound;
        }
        m.update(bit);
        self.normalize();
    }

    /// `v` in `0..n`, all equally likely (`1 <= n <= 2^16`).
    fn uniform_small(&mut self, v: u32, n: u32) {
        let r = self.range / n;
        self.low += u64::from(r) * u64::from(v);
        self.range = r;
        self.normalize();
    }

    /// `v` in `0..=max`, all equally likely.
    pub fn uniform(&mut self, v: u64, max: u64) {
        if max >> 16 == 0 {
            self.uniform_small(v as u32, max as u32 + 1);
        } else {
            self.uniform(v >> 16, max >> 16);
            let low_max = if v >> 16 == max >> 16 {
                max & 0xFFFF
            } else {
                0xFFFF
            };
            self.uniform_small((v & 0xFFFF) as u32, low_max as u32 + 1);
        }
    }

    /// The coded bytes: every symbol, then as few bytes as pin the final interval.
    pub fn finish(mut self) -> Vec<u8> {
        for _ in 0..5 {
            self.shift_low();
        }
        self.out
    }
}

/// Reads what [`Encoder`] wrote; past the end of its input it reads zero bytes (a list
/// that is not as the encoder writes it is refused by the caller's re-encoding).
pub struct Decoder<'a> {
    input: &'a [u8],
    code: u32,
    range: u32,
}

impl<'a> Decoder<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        let mut d = Decoder {
            input,
            code: 0,
            range: u32::MAX,
        };
        for _ in 0..4 {
            d.code = (d.code << 8) | u32::from(d.next_byte());
        }
        d
    }

    fn next_byte(&mut self) -> u8 {
        match self.input.split_first() {
            Some((&b, rest)) => {
                self.input = rest;
                b
            }
            None => 0,
        }
    }

    fn normalize(&mut self) {
        while self.range < TOP {
            self.range <<= 8;
            self.code = (self.code << 8) | u32::from(self.next_byte());
        }
    }

    pub fn bit(&mut self, m: &mut Bit) -> bool {
        let bound = (self.range >> PROB_BITS) * m.p16();
        let bit = self.code >= bound;
        if bit {
            self.code -= bound;
            self.range -= bound;
        } else {
            self.range = bound;
        }
        m.update(bit);
        self.normalize();
        bit
    }

    fn uniform_small(&mut self, n: u32) -> Result<u32, Malformed> {
        let r = self.range / n;
        let v = self.code / r;
        if v >= n {
            return Err(OUT_OF_RANGE);
        }
        self.code -= v * r;
        self.range = r;
        self.normalize();
        Ok(v)
    }

    pub fn uniform(&mut self, max: u64) -> Result<u64, Malformed> {
        if max >> 16 == 0 {
            return self.uniform_small(max as u32 + 1).map(u64::from);
        }
        let high = self.uniform(max >> 16)?;
        let low_max = if high == max >> 16 {
            max & 0xFFFF
        } else {
            0xFFFF
        };
        let low = self.uniform_small(low_max as u32 + 1)?;
        Ok(high << 16 | u64::from(low))
    }
}

/// An adaptive model of unsigned integers, Exp-Golomb style: the bit length of `v + 1`
/// through a binary tree of adaptive bits, then its two leading mantissa bits adaptive (per
/// length) and the rest uniform.
pub struct Integers {
    length: [Bit; 64],
    mantissa: [[Bit; 3]; 64],
    /// The lower mantissa bits, by length and position.
    rest: [[Bit; 64]; 64],
}

impl Default for Integers {
    fn default() -> Self {
        Integers {
            length: [Bit::default(); 64],
            mantissa: [[Bit::default(); 3]; 64],
            rest: [[Bit::default(); 64]; 64],
        }
    }
}

impl Integers {
    /// `v` must be below `u64::MAX` (every caller's values are far smaller).
    pub fn encode(&mut self, e: &mut Encoder, v: u64) {
        let x = v.saturating_add(1);
        // The bits below the leading one of `x`: 0..=63.
        let len = 63 - x.leading_zeros() as usize;
        let mut node = 1usize;
        for shift in (0..6).rev() {
            let b = (len >> shift) & 1 == 1;
            if let Some(m) = self.length.get_mut(node) {
                e.bit(m, b);
            }
            node = node * 2 + usize::from(b);
        }
        let Some(mantissa) = self.mantissa.get_mut(len) else {
            return;
        };
        let mut ctx = 0usize;
        for i in (0..len).rev() {
            let b = (x >> i) & 1 == 1;
            match mantissa.get_mut(ctx) {
                Some(m) if len - 1 - i < 2 => {
                    e.bit(m, b);
                    ctx = ctx * 2 + 1 + usize::from(b);
                }
                _ => match self.rest.get_mut(len).and_then(|r| r.get_mut(i)) {
                    Some(m) => e.bit(m, b),
                    None => e.uniform(u64::from(b), 1),
                },
            }
        }
    }

    pub fn decode(&mut self, d: &mut Decoder) -> Result<u64, Malformed> {
        let mut node = 1usize;
        for _ in 0..6 {
            let m = self.length.get_mut(node).ok_or(OUT_OF_RANGE)?;
            node = node * 2 + usize::from(d.bit(m));
        }
        let len = node - 64;
        let mantissa = self.mantissa.get_mut(len).ok_or(OUT_OF_RANGE)?;
        let mut x = 1u64;
        let mut ctx = 0usize;
        for i in 0..len {
            let b = match mantissa.get_mut(ctx) {
                Some(m) if i < 2 => {
                    let b = d.bit(m);
                    ctx = ctx * 2 + 1 + usize::from(b);
                    b
                }
                _ => {
                    let pos = len - 1 - i;
                    match self.rest.get_mut(len).and_then(|r| r.get_mut(pos)) {
                        Some(m) => d.bit(m),
                        None => d.uniform(1)? == 1,
                    }
                }
            };
            x = x << 1 | u64::from(b);
        }
        // x >= 1: its leading one.
        Ok(x - 1)
    }
}
