//! Just enough of the protobuf wire format to read the few values iskra needs
//! from Anki's binary blobs (the package `meta` file, notetype and template
//! configs of schema 18): varints and length-delimited fields, by number.
//! A full protobuf crate would be far more than these dozen values need.

/// One field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    /// A 32-bit fixed value (a `float`'s bits).
    Fixed32(u32),
    /// A 64-bit fixed value, kept only to be skipped.
    Fixed,
}

/// The fields of a message, in order; `None` when the bytes are not a
/// well-formed message.
pub fn fields(mut bytes: &[u8]) -> Option<Vec<(u64, Value<'_>)>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let key = varint(&mut bytes)?;
        let value = match key & 7 {
            0 => Value::Varint(varint(&mut bytes)?),
            1 => {
                bytes = bytes.get(8..)?;
                Value::Fixed
            }
            2 => {
                let len = usize::try_from(varint(&mut bytes)?).ok()?;
                let (value, rest) = (bytes.get(..len)?, bytes.get(len..)?);
                bytes = rest;
                Value::Bytes(value)
            }
            5 => {
                let raw: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
                bytes = bytes.get(4..)?;
                Value::Fixed32(u32::from_le_bytes(raw))
            }
            _ => return None,
        };
        out.push((key >> 3, value));
    }
    Some(out)
}

/// The last varint field `number` of a message (protobuf's "last one wins").
pub fn varint_field(bytes: &[u8], number: u64) -> Option<u64> {
    fields(bytes)?.into_iter().rev().find_map(|(n, v)| match v {
        Value::Varint(x) if n == number => Some(x),
        _ => None,
    })
}

/// The last length-delimited field `number` of a message, as text.
pub fn string_field(bytes: &[u8], number: u64) -> Option<String> {
    fields(bytes)?.into_iter().rev().find_map(|(n, v)| match v {
        Value::Bytes(b) if n == number => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    })
}

/// The last `float` field `number` of a message.
pub fn float_field(bytes: &[u8], number: u64) -> Option<f32> {
    fields(bytes)?.into_iter().rev().find_map(|(n, v)| match v {
        Value::Fixed32(bits) if n == number => Some(f32::from_bits(bits)),
        _ => None,
    })
}

/// A `repeated float` field `number`: packed (one length-delimited run of
/// little-endian floats) or one field per value.
pub fn floats_field(bytes: &[u8], number: u64) -> Vec<f32> {
    let mut out = Vec::new();
    for (n, v) in fields(bytes).unwrap_or_default() {
        match v {
            Value::Bytes(run) if n == number => out.extend(
                run.chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            ),
            Value::Fixed32(bits) if n == number => out.push(f32::from_bits(bits)),
            _ => {}
        }
    }
    out
}

/// The last message (length-delimited) field `number`, as bytes.
pub fn message_field(bytes: &[u8], number: u64) -> Option<&[u8]> {
    fields(bytes)?.into_iter().rev().find_map(|(n, v)| match v {
        Value::Bytes(b) if n == number => Some(b),
        _ => None,
    })
}

fn varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_varints_and_strings() {
        // field 1 = 3; field 3 = "ab"; field 2 = 300; a fixed64 field 4
        let bytes = [
            0x08, 0x03, 0x1a, 0x02, b'a', b'b', 0x10, 0xac, 0x02, 0x21, 1, 2, 3, 4, 5, 6, 7, 8,
        ];
        assert_eq!(varint_field(&bytes, 1), Some(3));
        assert_eq!(varint_field(&bytes, 2), Some(300));
        assert_eq!(string_field(&bytes, 3).as_deref(), Some("ab"));
        assert_eq!(varint_field(&bytes, 9), None);
        // field 5 = 0.5f32; field 6 = packed [1.0, 10.0]
        let mut floats = vec![0x2d];
        floats.extend(0.5f32.to_le_bytes());
        floats.extend([0x32, 8]);
        floats.extend(1.0f32.to_le_bytes());
        floats.extend(10.0f32.to_le_bytes());
        assert_eq!(float_field(&floats, 5), Some(0.5));
        assert_eq!(floats_field(&floats, 6), vec![1.0, 10.0]);
    }

    #[test]
    fn truncated_messages_are_refused() {
        assert_eq!(fields(&[0x1a, 0x05, b'a']), None);
        assert_eq!(fields(&[0x08, 0x80]), None);
        assert_eq!(varint_field(&[0x08], 1), None);
    }
}
