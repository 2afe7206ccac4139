"""A local SMTP sink for `make bench`: accepts every message and appends each
recipient to a file, one line per delivered message and recipient.

    python3 bench/smtp_sink.py <port> <recipients file>
"""
import asyncio
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path):
        self.out = open(path, "a", encoding="utf-8", buffering=1)

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            self.out.write(rcpt + "\n")
        return "250 OK"


async def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(path), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"sink listening on {port}", flush=True)
    await asyncio.Event().wait()


asyncio.run(main())
