#!/usr/bin/env python3
"""Verify Yiye license QR texts with pycose, a third-party COSE implementation.

Usage: third_party_verify.py KEYSET_JSON QRTEXT...
Only the public keys from the key set are used; none of the signer crate's code.
Exit 0 when every QR text verifies, 1 otherwise.
"""
import json
import sys
import zlib

from pycose.headers import KID
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import CoseMessage

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def base45_decode(text):
    out = bytearray()
    for i in range(0, len(text), 3):
        chunk = [ALPHABET.index(c) for c in text[i:i + 3]]
        n = sum(v * 45 ** k for k, v in enumerate(chunk))
        out += n.to_bytes(2 if len(chunk) == 3 else 1, "big")
    return bytes(out)


def main():
    keys = json.load(open(sys.argv[1]))["keys"]
    ok = True
    for text in sys.argv[2:]:
        assert text.startswith("YY1:"), "not a Yiye license"
        data = base45_decode(text[4:])
        if data[0] == 0x78:
            data = zlib.decompress(data)
        msg = CoseMessage.decode(data)
        kid = msg.phdr.get(KID)
        verified = False
        for k in keys:
            if bytes.fromhex(k["kid"]) != kid:
                continue
            msg.key = OKPKey(crv=Ed25519, x=bytes.fromhex(k["public_key"]))
            verified = verified or msg.verify_signature()
        print(("verified " if verified else "FAILED ") + text[:24] + "...")
        ok = ok and verified
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
