//! An open document: its text as the editor has it, and the conversions
//! between pyfix's byte offsets and LSP positions (lines, and columns in
//! UTF-16 code units unless the client agreed to UTF-8).

use std::ops::Range;

use lsp_types::{Position, TextDocumentContentChangeEvent};

/// How the columns of LSP positions are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// Bytes of UTF-8, when the client offers `positionEncoding` `utf-8`.
    Utf8,
    /// UTF-16 code units: the protocol's default.
    Utf16,
}

/// The text of one open document and the version the editor gave it.
pub(crate) struct Document {
    pub(crate) text: String,
    pub(crate) version: i32,
    pub(crate) language_id: String,
}

impl Document {
    /// Applies one change of `textDocument/didChange`: the whole text when
    /// it has no range, else the replacement of that range.
    pub(crate) fn apply(&mut self, change: TextDocumentContentChangeEvent, encoding: Encoding) {
        match change.range {
            None => self.text = change.text,
            Some(range) => {
                let index = LineIndex::new(&self.text);
                let start = index.offset(&self.text, range.start, encoding);
                let end = index.offset(&self.text, range.end, encoding).max(start);
                self.text.replace_range(start..end, &change.text);
            }
        }
    }
}

/// Where each line starts. Lines end at `\n`, `\r\n` or a bare `\r`, as
/// the protocol says (and as Python reads them).
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    /// The position of the byte `offset` of `text` (clamped to the text,
    /// and back to the start of a character).
    pub(crate) fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let before = &text[start..offset];
        let character = match encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        Position::new(to_u32(line), to_u32(character))
    }

    /// The LSP range of a byte range of `text`.
    pub(crate) fn range(
        &self,
        text: &str,
        range: Range<usize>,
        encoding: Encoding,
    ) -> lsp_types::Range {
        lsp_types::Range::new(
            self.position(text, range.start, encoding),
            self.position(text, range.end, encoding),
        )
    }

    /// The byte offset of `position` in `text`. A line past the end is the
    /// end of the text; a column past the end of its line is the end of
    /// the line, as the protocol asks.
    pub(crate) fn offset(&self, text: &str, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else { return text.len() };
        let mut end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        let wanted = position.character as usize;
        let mut units = 0;
        for (at, ch) in text[start..end].char_indices() {
            if units >= wanted {
                return start + at;
            }
            units += match encoding {
                Encoding::Utf8 => ch.len_utf8(),
                Encoding::Utf16 => ch.len_utf16(),
            };
        }
        end
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The smallest edit that turns `old` into `new`: the byte range of `old`
/// to replace, and its replacement. Whole characters only.
pub(crate) fn minimal_edit<'n>(old: &str, new: &'n str) -> (Range<usize>, &'n str) {
    let mut prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    while !(old.is_char_boundary(prefix) && new.is_char_boundary(prefix)) {
        prefix -= 1;
    }
    let room = old.len().min(new.len()) - prefix;
    let mut suffix =
        old.bytes().rev().zip(new.bytes().rev()).take(room).take_while(|(a, b)| a == b).count();
    while !(old.is_char_boundary(old.len() - suffix) && new.is_char_boundary(new.len() - suffix)) {
        suffix -= 1;
    }
    (prefix..old.len() - suffix, &new[prefix..new.len() - suffix])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs_and_accents() {
        // `é` is 2 bytes and 1 UTF-16 unit; `😀` is 4 bytes and 2 units.
        let text = "a = 1\ns = 'é😀'; x\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.position(text, x, Encoding::Utf16), Position::new(1, 11));
        assert_eq!(index.position(text, x, Encoding::Utf8), Position::new(1, 14));
        assert_eq!(index.offset(text, Position::new(1, 11), Encoding::Utf16), x);
        assert_eq!(index.offset(text, Position::new(1, 14), Encoding::Utf8), x);
    }

    #[test]
    fn lines_end_at_crlf_and_bare_cr() {
        let text = "a\r\nb\rc\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, text.find('b').unwrap(), Encoding::Utf16).line, 1);
        assert_eq!(index.position(text, text.find('c').unwrap(), Encoding::Utf16).line, 2);
        assert_eq!(index.position(text, text.find('d').unwrap(), Encoding::Utf16).line, 3);
        // A column past the end of a line is the end of the line, before `\r\n`.
        assert_eq!(index.offset(text, Position::new(0, 9), Encoding::Utf16), 1);
        // A line past the end is the end of the text.
        assert_eq!(index.offset(text, Position::new(9, 0), Encoding::Utf16), text.len());
    }

    #[test]
    fn incremental_changes_replace_their_range() {
        let mut document =
            Document { text: "é = 1\nx = 2\n".into(), version: 1, language_id: "python".into() };
        let change = TextDocumentContentChangeEvent {
            range: Some(lsp_types::Range::new(Position::new(0, 4), Position::new(0, 5))),
            range_length: None,
            text: "10".into(),
        };
        document.apply(change, Encoding::Utf16);
        assert_eq!(document.text, "é = 10\nx = 2\n");
        let whole =
            TextDocumentContentChangeEvent { range: None, range_length: None, text: "".into() };
        document.apply(whole, Encoding::Utf16);
        assert_eq!(document.text, "");
    }

    #[test]
    fn the_minimal_edit_keeps_the_common_ends() {
        assert_eq!(minimal_edit("def f(a=[]):\n", "def f(a=None):\n"), (8..10, "None"));
        assert_eq!(minimal_edit("same", "same"), (4..4, ""));
        // Whole characters: `é` and `è` share their first byte.
        assert_eq!(minimal_edit("xé", "xè"), (1..3, "è"));
    }
}
