"""CLIP token ids for a corpus of prompts, from two references.

1. OpenAI CLIP's tokenizer behaviour (what strobe implements), as an oracle written here from
   openai/CLIP's documented steps and the real packages it uses: ftfy.fix_text, html.unescape
   twice, strip, every regex `\\s+` run to one space, str.lower(), then the pre-tokenizer pattern
   run by the `regex` package (IGNORECASE), UTF-8 bytes mapped to printable symbols, and byte-pair
   merges by lowest rank from the merges file strobe ships. Typed <|startoftext|> and
   <|endoftext|> become their special ids.
2. transformers' CLIPTokenizer (the slow Python tokenizer diffusers loads for SDXL), built from
   the same merges: recorded where its ids differ from the oracle's.

ftfy's mojibake repair (fix_encoding) is not implemented in strobe. Prompts where it changes the
ids are kept and flagged: their ids with fix_encoding=False are recorded too, and
server/src/test/java/dev/strobe/pipeline/text/ClipTokenizerFixtureTest checks that strobe gives
exactly those.

Corpus: prompts.json (hand-written) and RANDOM_PROMPTS random mixtures from a fixed seed (below).
Usage: python tokens.py [--out DIR]      writes DIR/tokens.json.gz
"""
import gzip
import html
import json
import os
import random
import tempfile

import ftfy
import regex

import common

RANDOM_PROMPTS = 16000
START, END = "<|startoftext|>", "<|endoftext|>"
PATTERN = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE)


def byte_symbols():
    """The 256 byte symbols in vocabulary order: printable Latin-1 bytes stand for themselves,
    the others take code points from 256 upwards in byte order."""
    keep = [b for b in range(256)
            if 0x21 <= b <= 0x7e or 0xa1 <= b <= 0xac or 0xae <= b <= 0xff]
    mapping = {b: chr(b) for b in keep}
    extra = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return [b for b in keep] + [b for b in range(256) if b not in keep], mapping


class Oracle:
    def __init__(self, merges_gz):
        with gzip.open(merges_gz, "rt", encoding="utf-8") as f:
            lines = f.read().split("\n")
        self.merges = [tuple(m.split()) for m in lines[1:1 + 49152 - 256 - 2]]
        order, self.byte_map = byte_symbols()
        symbols = [self.byte_map[b] for b in order]
        vocab = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in self.merges]
        vocab += [START, END]
        self.vocab = {t: i for i, t in enumerate(vocab)}
        self.rank = {m: i for i, m in enumerate(self.merges)}
        self.cache = {}

    def normalize(self, text, fix_encoding=True):
        text = ftfy.fix_text(text, fix_encoding=fix_encoding)
        text = html.unescape(html.unescape(text)).strip()
        return regex.sub(r"\s+", " ", text).strip().lower()

    def bpe(self, piece):
        if piece in self.cache:
            return self.cache[piece]
        word = list(piece[:-1]) + [piece[-1] + "</w>"]
        while len(word) > 1:
            ranked = [(self.rank.get((a, b), None), i) for i, (a, b) in enumerate(zip(word, word[1:]))]
            ranked = [r for r in ranked if r[0] is not None]
            if not ranked:
                break
            best = min(ranked)[0]
            first, second = self.merges[best]
            merged, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and word[i] == first and word[i + 1] == second:
                    merged.append(first + second)
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        ids = [self.vocab[t] for t in word]
        self.cache[piece] = ids
        return ids

    def ids(self, text, fix_encoding=True):
        out = []
        for piece in PATTERN.findall(self.normalize(text, fix_encoding)):
            if piece in (START, END):
                out.append(self.vocab[piece])
                continue
            out.extend(self.bpe("".join(self.byte_map[b] for b in piece.encode("utf-8"))))
        return out


def transformers_tokenizer(oracle, merges_gz, folder):
    from transformers import CLIPTokenizer
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(oracle.vocab, f, ensure_ascii=False)
    with gzip.open(merges_gz, "rt", encoding="utf-8") as src, \
            open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as dst:
        dst.write(src.read())
    return CLIPTokenizer(os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt"))


# Pools for random prompts: every character assigned in Unicode 6 or earlier, so the Unicode
# versions of Python (str.lower, NFC), regex and Java 17 agree on them.
POOLS = [
    "a photo of the cat dog city night sunset portrait painting style by detailed".split(),
    ["café", "naïve", "jalapeño", "Ångström", "Ærø", "déjà", "Çà", "ÉCOLE", "straße", "İzmir",
     "ſ", "Œuvre", "ñandú", "Łódź", "Øre"],
    ["東京", "猫", "日本語", "夜景", "山", "ひらがな", "カタカナ", "서울", "한국어", "中文", "漢字"],
    ["🐱", "👍", "😀", "🎉", "❤", "✨", "🔥", "👍🏽", "👨\u200d👩\u200d👧", "🇫🇷", "☕", "⭐"],
    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#x27;", "&nbsp;", "&eacute;", "&amp;amp;",
     "&copy", "&hellip;", "&unknown;", "&#128049;", "&", "&#0;", "&lt"],
    ["\u0000", "\u0007", "\u001b[31m", "\u001b[0m", "\u200b", "\ufeff", "\u0085", "\r\n", "\t",
     "\u2028", "\u001c", "\u007f", "\u0093", "\u0094", "\u0080", "\r", "\n", "\u2060", "\u206a"],
    ["‘", "’", "“", "”", "ʼ", "‚", "„", "‛", "‟", "'", '"'],
    ["ﬁ", "ﬂ", "ﬀ", "ﬃ", "ﬄ", "ﬅ", "ﬆ", "Ĳ", "ĳ", "ǅ", "ǆ", "Ǉ", "ǈ", "ǋ", "ŉ"],
    ["ＡＢＣ", "ｘｙｚ", "１２３", "！", "？", "\u3000", "ｶﾀｶﾅ", "￥", "ｰ", "｡", "＆ａｍｐ；"],
    ["0", "1", "42", "2024", "3.14", "½", "Ⅻ", "٣", "४", "①", "²", "1,000"],
    ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "'x"],
    ["!", "...", "---", "?!", ",", ".", "(", ")", "[", "]", "#", "@", "~", "*", "-", "_", "/", "<",
     ">", "|", "<|endoftext|>", "<|startoftext|>", "<b>", "</b>"],
    ["ΣΟΦΙΑ", "ΟΔΟΣ", "Σ", "σ", "ς", "Ελλάδα", "Москва", "ПРИВЕТ", "עברית", "العربية", "हिन्दी",
     "ไทย", "e\u0301", "a\u0308", "\u0345"],
    [" ", " ", " ", "  ", "\u00a0", "\u2003", "\u3000", " \t "],
    ["\ud800x", "y\udc00"],
]


def random_prompt(rng):
    parts = []
    for _ in range(rng.randint(0, 24)):
        pool = POOLS[rng.randrange(len(POOLS))]
        parts.append(pool[rng.randrange(len(pool))])
        if rng.random() < 0.6:
            parts.append(" ")
    text = "".join(parts)
    r = rng.random()
    if r < 0.03:
        # Mojibake: UTF-8 bytes read as Windows-1252 or Latin-1, the text ftfy repairs.
        codec = "cp1252" if rng.random() < 0.5 else "latin-1"
        text = text.encode("utf-8", "surrogatepass").decode(codec, "replace")
    elif r < 0.06:
        text = text.upper()
    return text


def main():
    out = common.out_dir()
    oracle = Oracle(common.CLIP_MERGES)
    with open(os.path.join(os.path.dirname(__file__), "prompts.json"), encoding="utf-8") as f:
        prompts = json.load(f)
    rng = random.Random(77)
    prompts += [random_prompt(rng) for _ in range(RANDOM_PROMPTS)]
    entries = []
    stats = {"prompts": len(prompts), "mojibake": 0, "transformers_differs": 0}
    with tempfile.TemporaryDirectory() as folder:
        hf = transformers_tokenizer(oracle, common.CLIP_MERGES, folder)
        for text in prompts:
            ids = oracle.ids(text)
            e = {"text": text, "ids": ids}
            plain = oracle.ids(text, fix_encoding=False)
            if plain != ids:
                e["ids_without_fix_encoding"] = plain
                stats["mojibake"] += 1
            try:
                theirs = hf(text, add_special_tokens=True, verbose=False)["input_ids"][1:-1]
            except Exception as ex:  # recorded, not hidden
                theirs = "error: %s" % type(ex).__name__
            if theirs != ids:
                e["transformers_ids"] = theirs
                stats["transformers_differs"] += 1
            entries.append(e)
    print(stats)
    fixture = {
        "header": common.header("tokens.py", ["ftfy", "regex", "transformers"],
                                unicodedata=__import__("unicodedata").unidata_version,
                                merges="trt-engines/src/main/resources/dev/strobe/model/clip/"
                                       "bpe_simple_vocab_16e6.txt.gz",
                                random_prompts=RANDOM_PROMPTS, random_seed=77),
        "stats": stats,
        "prompts": entries,
    }
    common.write(out, "tokens.json.gz", fixture)


if __name__ == "__main__":
    main()
