//! Just enough of the protobuf wire format to read the few values iskra needs
//! from Anki's binary blobs (the package `meta` file, notetype and template
//! configs of schema 18): varints and length-delimited fields, by number.
//! A full protobuf crate would be far more than these dozen values need.

/// One field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    /// 32- and 64-bit fixed values, kept only to be skipped.
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
                bytes = bytes.get(4..)?;
                Value::Fixed
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
    }

    #[test]
    fn truncated_messages_are_refused() {
        assert_eq!(fields(&[0x1a, 0x05, b'a']), None);
        assert_eq!(fields(&[0x08, 0x80]), None);
        assert_eq!(varint_field(&[0x08], 1), None);
    }
}
