#!/usr/bin/env python3
"""Writes the hostile-input corpus: raw messages that are broken, hostile or merely odd.

Run from this folder: python3 make_corpus.py. Output files are committed; CorpusTest reads them all.
Very large cases (10,000 parts, 1,000-deep nesting) are built by the tests at run time instead."""
import base64, os, random

random.seed(42)
OUT = os.path.dirname(os.path.abspath(__file__))
count = 0

def write(name, data):
    global count
    if isinstance(data, str):
        data = data.encode('utf-8', 'surrogateescape')
    with open(os.path.join(OUT, '%03d-%s.eml' % (count, name)), 'wb') as f:
        f.write(data)
    count += 1

H = 'From: Alice <alice@example.org>\r\nTo: list@example.com\r\nSubject: test\r\nMessage-ID: <m%d@example.org>\r\n'

# 1. boundaries
for i, (decl, used, end) in enumerate([
        ('b1', 'b1', 'b1--'), ('b1', 'b2', 'b2--'), ('b1', 'b1', ''), ('', 'x', 'x--'), ('"b 1"', 'b 1', 'b 1--'),
        ('b' * 300, 'b' * 300, 'b' * 300 + '--'), ('b1', 'b1', 'b1'), ('b1;b2', 'b1', 'b1--'), ('b1', '', '--'),
        ('b1', 'b1\t', 'b1--'), ('=?utf-8?q?b?=', '=?utf-8?q?b?=', '=?utf-8?q?b?=--'), ('b1', 'B1', 'B1--'),
        ('b1', 'b1', 'b1-- trailing'), ('b1', 'b1b1', 'b1--'), ('b1"', 'b1', 'b1--'), ('b1', 'b1', '\r\n--b1--\r\n--b1--'),
        ('-', '-', '---'), ('b1', 'b1', 'b1--' + '\r\nafter the end'), ('b\x00', 'b\x00', 'b\x00--'), ('b1', '', '')]):
    body = ('--%s\r\nContent-Type: text/plain\r\n\r\npart one\r\n--%s\r\nContent-Type: text/html\r\n\r\n<b>two</b>\r\n--%s\r\n'
            % (used, used, end))
    write('boundary-%d' % i, H % count + 'Content-Type: multipart/mixed; boundary=%s\r\n\r\n%s' % (decl, body))

# 2. base64
good = base64.b64encode(b'hello attachment ' * 20).decode()
for i, payload in enumerate([good[:-3], good + '====', good.replace('A', '!'), '@@@@', good[:17], ' '.join(good),
                             good + '\r\n\x00\x00', '====', good[::-1], '\r\n'.join(good[j:j + 3] for j in range(0, len(good), 3)),
                             'QUJD\r\n=\r\nREVG', good + '*' * 100, '', 'a', 'ab', 'abc', good.lower(), good + '\xff\xfe',
                             '\t' + good, 'A' * 10000]):
    write('base64-%d' % i, H % count + 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n'
          '--b\r\nContent-Type: application/octet-stream; name=f.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--b--\r\n' % payload)
    write('base64-text-%d' % i, H % count + 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n' % payload)

# 3. quoted-printable
for i, payload in enumerate(['=ZZ', '=', 'abc=\r\n', '=0', '=C3=A9=C3', 'x' * 2000 + '=\r\n' + 'y', '=\r\n' * 100, '==3D=3d', '=\x00', '=FF=FE=FD']):
    write('qp-%d' % i, H % count + 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n%s\r\n' % payload)

# 4. charsets
for i, cs in enumerate(['utf-8', 'x-unknown', 'utf-16', 'utf-7', '"iso-8859-1"', 'klingon', '', 'utf-8; format=flowed',
                        'unicode-1-1-utf-7', 'windows-1252', 'gb2312', 'iso-2022-jp', 'ascii', 'UTF8', 'latin1', 'x-user-defined',
                        'utf-32', 'cp1252\x00', '=?utf-8?q?x?=', 'us-ascii' * 50]):
    body = 'caf\xe9 na\xefve \xe9t\xe9'.encode('latin-1')
    write('charset-%d' % i, (H % count + 'Content-Type: text/plain; charset=%s\r\nContent-Transfer-Encoding: 8bit\r\n\r\n' % cs).encode('latin-1', 'replace') + body + b'\r\n')

# 5. 8-bit and NUL bytes in headers and bodies
raw8 = [b'Subject: caf\xc3\xa9 \xe2\x82\xac\r\n', b'Subject: caf\xe9\r\n', b'From: J\xc3\xbcrgen <j\xc3\xbcrgen@example.org>\r\n',
        b'Subject: nul\x00inside\r\n', b'To: list@exa\x00mple.com\r\n', b'X-Bin: \xff\xfe\xfd\xfc\r\n', b'Subject: \x1b[31mred\r\n',
        b'Subject: \x7f\x7f\r\n', b'Fr\xc3\xb6m: odd name\r\n', b'Subject: ' + bytes(range(1, 32)) + b'\r\n']
for i, line in enumerate(raw8):
    write('8bit-header-%d' % i, b'From: a@example.org\r\nTo: list@example.com\r\n' + line + b'\r\nbody\r\n')
for i, body in enumerate([b'\x00' * 100, b'text\x00text', bytes(range(256)), b'\xff' * 1000, b'\r\n\x00.\r\n\x00', b'caf\xe9\r\n',
                          b'\x00\r\n' * 50, b'\xc3(\xa0\xa1', b'\xed\xa0\x80', b'\xf4\x90\x80\x80']):
    write('8bit-body-%d' % i, (H % count).encode() + b'Content-Type: text/plain; charset=utf-8\r\n\r\n' + body + b'\r\n')

# 6. missing parts
for i, m in enumerate(['', '\r\n', '\r\n\r\n\r\n', 'Subject: only headers', 'Subject: no blank line\r\nbody right after?',
                       'no headers at all, just text\r\n', 'To: list@example.com\r\n\r\nno from\r\n', 'From: a@example.org\r\n\r\nno to\r\n',
                       'From: a@example.org\r\nTo: list@example.com\r\n\r\n', ':\r\n\r\nempty name\r\n', ': value\r\n\r\nx\r\n',
                       'NoColonHeader\r\n\r\nx\r\n', ' continuation first\r\nSubject: x\r\n\r\n', 'Subject:\r\n\r\nempty subject\r\n',
                       'From:\r\nTo:\r\nSubject:\r\n\r\n']):
    write('missing-%d' % i, m)

# 7. nesting and many parts (moderate sizes; the extremes are generated by the tests)
for depth in (2, 10, 31, 33, 64, 100):
    msg = 'text at the bottom\r\n'
    for d in range(depth):
        msg = 'Content-Type: multipart/mixed; boundary=d%d\r\n\r\n--d%d\r\n%s\r\n--d%d--\r\n' % (d, d, msg if d else 'Content-Type: text/plain\r\n\r\n' + msg, d)
    write('nested-%d' % depth, H % count + msg)
for n in (0, 1, 100, 999, 1001, 2000):
    parts = ''.join('--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n' % j for j in range(n))
    write('parts-%d' % n, H % count + 'Content-Type: multipart/mixed; boundary=p\r\n\r\n' + parts + '--p--\r\n')

# 8. long lines and headers
for i, (name, n) in enumerate([('Subject', 1000), ('Subject', 10000), ('Subject', 200000), ('X-Long', 50000), ('To', 20000)]):
    write('long-header-%d' % i, H % count + '%s: %s\r\n\r\nbody\r\n' % (name, 'x' * n if name != 'To' else ', '.join('u%d@example.com' % j for j in range(n // 20))))
write('folded-1000', H % count + 'X-Folded: start\r\n' + ' more\r\n' * 1000 + '\r\nbody\r\n')
write('headers-5000', H % count + ''.join('X-H%d: v\r\n' % j for j in range(5000)) + '\r\nbody\r\n')
for i, n in enumerate([998, 999, 1000, 5000, 100000]):
    write('long-body-line-%d' % i, H % count + '\r\n' + 'y' * n + '\r\n')

# 9. header injection attempts (values a handler may copy into a reply)
inj = ['hi\r\nBcc: victim@example.net', 'hi\nBcc: victim@example.net', 'hi\rBcc: victim@example.net', '=?utf-8?q?hi=0D=0ABcc:_victim@example.net?=',
       '=?utf-8?b?%s?=' % base64.b64encode(b'hi\r\nBcc: victim@example.net').decode(), 'hi%0d%0aBcc: victim@example.net',
       '=?utf-8?q?x=00y?=', '=?utf-8?q?=0A=0AX-Injected:_yes?=', 'a\u2028Bcc: victim@example.net', '=?utf-8?q?=0D=0A.=0D=0A?=']
for i, v in enumerate(inj):
    write('inject-subject-%d' % i, 'From: a@example.org\r\nTo: list@example.com\r\nSubject: %s\r\n\r\nbody\r\n' % v.replace('\r\nBcc', '=?utf-8?q?=0D=0A?=Bcc') if '\r\n' in v else
          'From: a@example.org\r\nTo: list@example.com\r\nSubject: %s\r\n\r\nbody\r\n' % v)
    write('inject-name-%d' % i, 'From: "=?utf-8?q?Eve=0D=0ABcc:_x@example.net?=" <eve@example.org>\r\nReply-To: "%s" <eve@example.org>\r\nTo: list@example.com\r\nSubject: x\r\n\r\nbody\r\n' % v.replace('\r', '').replace('\n', ''))

# 10. addresses
addrs = ['"john doe"@example.org', '"a\\"b"@example.org', 'john(comment)@example.org', '<@route.example:john@example.org>',
         'john@[127.0.0.1]', 'john@[IPv6:::1]', 'jürgen@bücher.example', 'user@xn--bcher-kva.example', '用户@例子.广告',
         'undisclosed-recipients:;', 'group: a@example.org, b@example.org;', 'no-at-sign', 'a@@example.org', '@example.org',
         'a@', '<a@example.org', 'a@example.org>', '"unterminated@example.org', 'a@example.org, , ,b@example.org',
         'Name <a@example.org> trailing', 'a%b@example.org', 'a!b@example.org', '=?utf-8?q?J=C3=BCrgen?= <j@example.org>',
         'x' * 300 + '@example.org', 'a@' + 'sub.' * 100 + 'example.org']
for i, a in enumerate(addrs):
    write('address-from-%d' % i, 'From: %s\r\nTo: %s\r\nReply-To: %s\r\nSubject: address %d\r\n\r\nbody\r\n' % (a, a, a, i))

# 11. content types and dispositions
ctypes = ['', 'text', 'text/', '/plain', 'multipart/mixed', 'multipart/alternative; boundary=', 'text/plain; charset',
          'text/plain;;;; charset=utf-8', 'image/png; name="../../etc/passwd"', 'application/x; name*=utf-8\'\'%E2%82%AC.txt',
          "application/x; name*0*=utf-8''%E2; name*1=broken", 'message/rfc822', 'message/partial; id=1; number=1; total=2',
          'application/ms-tnef', 'text/html; charset=utf-8', 'multipart/report; report-type=delivery-status; boundary=r',
          'TEXT/PLAIN', 'text/plain; format=flowed; delsp=yes', 'application/pdf; name=' + 'n' * 500, 'x-unknown/x-unknown']
for i, ct in enumerate(ctypes):
    body = 'plain body\r\n'
    if ct.startswith('message/rfc822'):
        body = 'Subject: inner\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nbroken inner'
    if 'boundary=r' in ct:
        body = '--r\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--r--\r\n'
    write('ctype-%d' % i, H % count + 'Content-Type: %s\r\nContent-Disposition: attachment; filename="..\\..\\boot.ini"\r\n\r\n%s' % (ct, body))
for i, disp in enumerate(['attachment', 'inline', 'attachment; filename=', 'attachment; filename="=?utf-8?b?4oKs?="', 'form-data; name=x',
                          'attachment; filename*=utf-8\'\'%FF%FE', ';;;', 'attachment; filename="' + 'f' * 1000 + '"']):
    write('disposition-%d' % i, H % count + 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n'
          '--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: %s\r\n\r\ndata\r\n--b--\r\n' % disp)

# 12. line endings
for i, sep in enumerate(['\n', '\r', '\r\r\n', '\n\r', '\r\n\n']):
    write('eol-%d' % i, sep.join(['From: a@example.org', 'To: list@example.com', 'Subject: eol %d' % i, '', 'line one', 'line two', '']))
write('eol-mixed', 'From: a@example.org\nTo: list@example.com\r\nSubject: mixed\r\r\n\nbody\rmore\nend\r\n')
write('dot-lines', H % count + '\r\n.\r\n..\r\n. \r\n.leading dot\r\n')
write('smtp-in-body', H % count + '\r\nbody\r\n.\r\nMAIL FROM:<evil@example.net>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\n')

# 13. random junk
for i in range(10):
    n = random.choice([1, 10, 100, 1000, 5000])
    write('random-%d' % i, bytes(random.getrandbits(8) for _ in range(n)))

# 14. bounces and auto-replies (must be recognised, never answered)
write('bounce-dsn', 'From: MAILER-DAEMON@example.net\r\nTo: list-bounce-bob=example.org@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n'
      'Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\n\r\nfailed\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n--r--\r\n')
write('auto-reply', 'From: bob@example.org\r\nTo: echo@example.com\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\n\r\naway\r\n')
write('uuencode', H % count + '\r\nbegin 644 f.txt\r\n#86)C\r\n`\r\nend\r\n')
write('tnef', H % count + 'Content-Type: application/ms-tnef; name=winmail.dat\r\nContent-Transfer-Encoding: base64\r\n\r\neJ8+IgEAAQaQCAAEAAAAAAABAAEAAQeQBgAIAAAA5AQAAAAAAADoAAEIgAcAGAAAAElQTS5NaWNyb3NvZnQgTWFpbC5Ob3Rl\r\n')

print('wrote', count, 'files')
