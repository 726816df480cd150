"""dkimpy (Debian python3-dkim) as the independent DKIM verifier and signer of the tests.

  dkimpy.py verify PORT              < message   exit 0 when every signature verifies; keys from 127.0.0.1:PORT
  dkimpy.py sign DOMAIN SELECTOR ALG KEY [simple] < message   prints the message signed (ALG rsa-sha256 or
      ed25519-sha256; c=relaxed/simple, or with "simple" c=simple/simple and a body length tag l=)
"""
import sys

import dkim
import dns.resolver


def txt_from(port):
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = port
    resolver.lifetime = 3

    def lookup(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        try:
            answer = resolver.resolve(name, "TXT")
        except Exception:
            return None
        return b"".join(answer[0].strings)
    return lookup


def main():
    message = sys.stdin.buffer.read()
    if sys.argv[1] == "verify":
        d = dkim.DKIM(message)
        count = message.count(b"\nDKIM-Signature:") + (1 if message.startswith(b"DKIM-Signature:") else 0)
        ok = count > 0
        for i in range(count):
            result = d.verify(idx=i, dnsfunc=txt_from(int(sys.argv[2])))
            print("signature %d: %s" % (i, "pass" if result else "fail"))
            ok = ok and result
        sys.exit(0 if ok else 1)
    domain, selector, alg, keyfile = sys.argv[2:6]
    simple = len(sys.argv) > 6 and sys.argv[6] == "simple"
    with open(keyfile, "rb") as f:
        key = f.read()
    sig = dkim.sign(message, selector.encode(), domain.encode(), key,
                    signature_algorithm=alg.encode(), include_headers=[b"from", b"to", b"subject"],
                    canonicalize=(b"simple", b"simple") if simple else (b"relaxed", b"simple"), length=simple)
    sys.stdout.buffer.write(sig + message)


main()
