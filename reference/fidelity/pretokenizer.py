"""CLIP's pre-tokenizer pattern, run by the `regex` package, on every BMP code point in context.

For each code point c (surrogates excluded) the context "a" c "1" c c " " c "'s" c "<|endoftext|>"
c "'" c is lower-cased with Python's str.lower() (as the tokenizer does before splitting) and split
with the pattern (IGNORECASE). The fixture keeps, per code point, the lower-cased text when
lower() changed it and the pieces as start-end offsets into it.
server/src/test/java/dev/strobe/pipeline/text/PreTokenizerFixtureTest compares strobe's
PythonLowerCase and PreTokenizer with them.

Usage: python pretokenizer.py [--out DIR]      writes DIR/pretokenizer.json.gz
"""
import unicodedata

import common
from tokens import PATTERN


def context(c):
    return "a" + c + "1" + c + c + " " + c + "'s" + c + "<|endoftext|>" + c + "'" + c


def main():
    out = common.out_dir()
    lowered = {}
    pieces = []
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            pieces.append(None)
            continue
        s = context(chr(cp))
        low = s.lower()
        if low != s:
            lowered[str(cp)] = low
        assert all(ord(ch) < 0x10000 for ch in low)  # offsets are then UTF-16 offsets too
        pieces.append(",".join("%d-%d" % m.span() for m in PATTERN.finditer(low)))
    fixture = {
        "header": common.header("pretokenizer.py", ["regex"],
                                unicodedata=unicodedata.unidata_version,
                                context='"a" c "1" c c " " c "\'s" c "<|endoftext|>" c "\'" c'),
        "lowered": lowered,
        "pieces": pieces,
    }
    common.write(out, "pretokenizer.json.gz", fixture)


if __name__ == "__main__":
    main()
