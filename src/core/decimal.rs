//! Numbers as text without `f64`'s `Display` (README "Wasm size": the float formatting of `core::fmt`
//! costs the panel's wasm ≈ 10 KB). [`fixed`] rounds with integer arithmetic; [`shortest`] borrows
//! the float printer serde_json links anyway.

/// `value` with exactly `places` decimals, as `format!("{value:.places$}")` writes it (ties go to the
/// even digit; the sign of a negative value is kept even when it rounds to zero). `places` ≤ 6.
pub fn fixed(value: f64, places: u32) -> String {
    if !value.is_finite() || value.abs() >= 1e15 {
        return shortest(value);
    }
    let scaled = round_scaled(value.abs(), [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6][places as usize]);
    let mut digits = scaled.to_string();
    let places = places as usize;
    if digits.len() <= places {
        digits.insert_str(0, &"0".repeat(places + 1 - digits.len()));
    }
    if places > 0 {
        digits.insert(digits.len() - places, '.');
    }
    if value.is_sign_negative() {
        digits.insert(0, '-');
    }
    digits
}

/// `value × scale` rounded to an integer as if computed exactly (ties to even): the product is
/// rounded, so a `.5` it ends in is checked against its exact error (Veltkamp split and TwoSum:
/// `scale` ≤ 10^6 has few enough bits for both halves' products to be exact).
fn round_scaled(value: f64, scale: f64) -> u64 {
    let c = 134_217_729.0 * value;
    let high = c - (c - value);
    let (a, b) = (high * scale, (value - high) * scale);
    let product = a + b;
    let b_part = product - a;
    let error = (a - (product - b_part)) + (b - b_part);
    let floor = product.floor();
    let rounded = if product - floor != 0.5 || error == 0.0 {
        product.round_ties_even()
    } else if error > 0.0 {
        floor + 1.0
    } else {
        floor
    };
    rounded as u64
}

/// `value` as `format!("{value}")` writes it for the numbers the panel shows (CSS lengths, sizes):
/// the shortest text that reads back as the same `f64`, no exponent below 10^16.
pub fn shortest(value: f64) -> String {
    match serde_json::Number::from_f64(value) {
        Some(number) => {
            let text = number.to_string();
            match text.strip_suffix(".0") {
                Some(whole) => whole.to_string(),
                None => text,
            }
        }
        None if value.is_nan() => "NaN".into(),
        None if value > 0.0 => "inf".into(),
        None => "-inf".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_writes_what_format_writes() {
        let values = [
            0.0,
            -0.0,
            0.04,
            -0.04,
            0.05,
            0.125,
            0.375,
            1.0,
            2.5,
            3.5,
            12.5,
            999.95,
            999.949,
            1234.5678,
            0.0005,
            0.0015,
            64.0,
            210.0,
            48.25,
            33.333333,
            66.666667,
            99.99,
            1e9 + 0.5,
            1_764_130_000_012.5,
            -12.345,
        ];
        for value in values {
            for places in 0..=3 {
                assert_eq!(fixed(value, places), format!("{value:.*}", places as usize), "{value} to {places} places");
            }
        }
        // Times as the panel shows them: ms with 1 decimal, seconds with 3.
        for ms in (0..200_000).map(|i| i as f64 * 0.1 + (i % 7) as f64 * 0.013) {
            assert_eq!(fixed(ms, 1), format!("{ms:.1}"), "{ms}");
            assert_eq!(fixed(ms / 1000.0, 3), format!("{:.3}", ms / 1000.0), "{ms}");
        }
        // Pseudo-random values of every magnitude the panel shows, ties of every kind included.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for i in 0..300_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let value = match i % 3 {
                0 => (seed >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi((seed % 14) as i32 - 3),
                1 => (seed % 2_000_000) as f64 / [2.0, 4.0, 8.0, 16.0, 20.0, 200.0, 2000.0][(seed % 7) as usize],
                _ => f64::from_bits(seed) % 1e12,
            };
            if !value.is_finite() {
                continue;
            }
            let places = (seed >> 60) as usize % 4;
            assert_eq!(fixed(value, places as u32), format!("{value:.places$}"), "{value:e} to {places} places");
        }
        assert_eq!(fixed(f64::NAN, 1), "NaN");
        assert_eq!(fixed(f64::INFINITY, 0), "inf");
    }

    #[test]
    fn shortest_writes_what_format_writes() {
        let values = [
            0.0,
            -0.0,
            1.0,
            64.0,
            210.5,
            0.1 + 0.2,
            1.0 / 3.0,
            123_456_789.125,
            1e15,
            9_007_199_254_740_993.0,
            0.001,
            -48.75,
            22.0 * 4321.0,
            0.1,
            1e-5,
            299.984375,
        ];
        for value in values {
            assert_eq!(shortest(value), format!("{value}"), "{value}");
        }
        assert_eq!(shortest(f64::NAN), "NaN");
        assert_eq!(shortest(f64::NEG_INFINITY), "-inf");
    }
}
