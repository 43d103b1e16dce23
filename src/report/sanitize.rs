//! Log text is untrusted: helpers that make it safe for a terminal and for Markdown.

use std::borrow::Cow;

/// Removes terminal control sequences (ANSI CSI/OSC escapes) and control characters other than tab; newlines
/// become ` ⏎ ` so a row stays one line. Text without control characters (nearly all) is borrowed as it is.
pub fn for_terminal(s: &str) -> Cow<'_, str> {
    // C0 controls and DEL are single bytes; C1 controls (U+0080..U+009F) are encoded after a 0xC2 byte.
    if !s.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\n' => out.push_str(" ⏎ "),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        // CSI: parameters and intermediates, then one final byte in @..~
        Some('[') => {
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
        // OSC / DCS / APC / PM: up to BEL or ST (ESC \)
        Some(']' | 'P' | '_' | '^') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    chars.next();
                    break;
                }
            }
        }
        _ => {}
    }
}

/// Bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069): they reorder what a reader sees.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Escapes text for a Markdown table cell: no HTML, no pipes, no inline formatting, one line.
pub fn for_markdown_cell(s: &str) -> String {
    let clean = for_terminal(s);
    let mut out = String::with_capacity(clean.len() + 16);
    for c in clean.chars() {
        match c {
            c if is_bidi_control(c) => {}
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // `@team` in a log line must not notify a GitHub or GitLab team when the report is pasted: a word
            // joiner (invisible) after the `@` breaks the mention.
            '@' => out.push_str("@\u{2060}"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for a Markdown paragraph or list item: [`for_markdown_cell`], and nothing at its start that
/// would open a block (a list marker `-`/`+`/`1.`, a thematic break or setext underline `---`/`===`, an
/// indented code block).
pub fn for_markdown_text(s: &str) -> String {
    let cell = for_markdown_cell(s.trim_start());
    let digits = cell.bytes().take_while(u8::is_ascii_digit).count();
    let first = cell.as_bytes().first().copied();
    if matches!(first, Some(b'-' | b'+' | b'=')) {
        format!("\\{cell}")
    } else if digits > 0 && matches!(cell.as_bytes().get(digits), Some(b'.' | b')')) {
        format!("{}\\{}", &cell[..digits], &cell[digits..])
    } else {
        cell
    }
}

/// A Markdown code span holding `s` verbatim (for paths and ids outside tables): fenced with one more
/// backtick than the longest run inside, padded when it starts or ends with a backtick, on one line.
pub fn markdown_code_span(s: &str) -> String {
    let clean: String = for_terminal(s).chars().filter(|c| !is_bidi_control(*c)).collect();
    let fence = "`".repeat(longest_backtick_run(&clean) + 1);
    if clean.starts_with('`') || clean.ends_with('`') {
        format!("{fence} {clean} {fence}")
    } else {
        format!("{fence}{clean}{fence}")
    }
}

/// The longest run of backticks in `s` (a code fence must be longer).
pub fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// A Mermaid task or section title: letters, digits, spaces and `-_./()[]=+,@` only (Mermaid ends a title at
/// `:`, reads `#` and `;` as syntax, and `%%` as a comment), at most `max` characters, never empty.
pub fn for_mermaid_title(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max * 4));
    for c in s.chars() {
        let c = if c.is_alphanumeric() || " -_./()[]=+,@".contains(c) {
            c
        } else {
            ' '
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    let out = shorten(out.trim_end(), max);
    if out.is_empty() {
        "untitled".to_string()
    } else {
        out.into_owned()
    }
}

/// Cuts text to `max` characters, marking the cut with `…`.
pub fn shorten(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
        None => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_mentions_do_not_notify_anyone() {
        assert_eq!(for_markdown_cell("paged @sre-oncall"), "paged @\u{2060}sre-oncall");
    }

    #[test]
    fn terminal_text_loses_escapes_and_controls() {
        assert_eq!(for_terminal("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(for_terminal("title\u{1b}]0;pwned\u{7}x"), "titlex");
        assert_eq!(for_terminal("bell\u{7}\r\nnext"), "bell ⏎ next");
        // C1 controls (NEL, the one-byte CSI) are removed too; clean text, accents included, is not copied.
        assert_eq!(for_terminal("a\u{85}b\u{9b}c\u{7f}"), "abc");
        assert!(matches!(for_terminal("Grüße, 日本"), Cow::Borrowed("Grüße, 日本")));
        assert_eq!(for_terminal("5 ¢"), "5 ¢");
    }

    #[test]
    fn markdown_cells_cannot_break_tables_or_inject_html() {
        assert_eq!(for_markdown_cell("a|b"), "a\\|b");
        assert_eq!(
            for_markdown_cell("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(for_markdown_cell("`x` *y*"), "\\`x\\` \\*y\\*");
        assert!(!for_markdown_cell("line1\nline2").contains('\n'));
        assert_eq!(for_markdown_cell("a\u{202e}b"), "ab");
    }

    #[test]
    fn markdown_text_opens_no_block() {
        assert_eq!(for_markdown_text("- item"), "\\- item");
        assert_eq!(for_markdown_text("---"), "\\---");
        assert_eq!(for_markdown_text("12. x"), "12\\. x");
        assert_eq!(for_markdown_text("    code"), "code");
        assert_eq!(for_markdown_text("3 pods"), "3 pods");
    }

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(markdown_code_span("a/b.log"), "`a/b.log`");
        assert_eq!(markdown_code_span("a`b"), "``a`b``");
        assert_eq!(markdown_code_span("`x"), "`` `x ``");
        assert_eq!(markdown_code_span("a\nb"), "`a ⏎ b`");
    }

    #[test]
    fn mermaid_titles_lose_syntax() {
        assert_eq!(
            for_mermaid_title("node-not-ready node/worker-2", 60),
            "node-not-ready node/worker-2"
        );
        assert_eq!(for_mermaid_title("a: b; c # d %% e", 60), "a b c d e");
        assert_eq!(for_mermaid_title("<script>", 60), "script");
        assert_eq!(for_mermaid_title(":::", 60), "untitled");
        assert_eq!(for_mermaid_title("abcdef", 3), "abc…");
    }

    #[test]
    fn shorten_marks_the_cut() {
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("日本語テキスト", 2), "日本…");
    }
}
