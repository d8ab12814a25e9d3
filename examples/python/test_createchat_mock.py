"""Contract tests against the createChat mock, in Python with the standard library only.

The suite starts the mock itself on a free port and stops it at the end:

    MOCK_EXECUTABLE=./createchat-mock python3 -m unittest discover -s examples/python -v

MOCK_EXECUTABLE is the path of the standalone executable (`npm run build:binary`). Without it the
suite runs `npx --no -- createchat-mock`, the package installed in the current directory's project
(`--no`: never download a package of that name).
"""

import json
import os
import queue
import re
import signal
import subprocess
import threading
import unittest
import urllib.error
import urllib.request

BANNER = re.compile(r"createChat mock listening on (http://\S+)")
TOKEN = "demo-all-methods"  # a token of the mock's built-in demo data
START_TIMEOUT_S = 30

# Never through a proxy from the environment: the mock is on this machine.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def mock_command():
    executable = os.environ.get("MOCK_EXECUTABLE")
    base = [executable] if executable else ["npx", "--no", "--", "createchat-mock"]
    # Port 0: the mock picks a free port and names it in its first line. Quota 1: the second call is a 420.
    return base + ["--port", "0", "--quota", "1", "--log", "silent"]


def call(method, url, body=None, headers=None):
    """(status, headers, parsed JSON body) of one request; error statuses are answers here, not exceptions."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, json.loads(error.read() or b"null")


class CreateChatMockTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A session of its own, so that stopping it reaches the mock also when npx runs it as a child.
        cls.process = subprocess.Popen(
            mock_command(),
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=(os.name != "nt"),
        )
        lines = queue.Queue()

        def read_stdout():
            for line in cls.process.stdout:
                lines.put(line)
            lines.put(None)

        # Keeps reading, so that the mock never blocks on a full pipe.
        cls.reader = threading.Thread(target=read_stdout, daemon=True)
        cls.reader.start()
        while True:
            try:
                line = lines.get(timeout=START_TIMEOUT_S)
            except queue.Empty:
                cls.stop()
                raise RuntimeError("the mock printed no listening line in time")
            if line is None:
                code = cls.process.wait()
                raise RuntimeError(f"the mock exited with code {code} before listening (its stderr is above)")
            match = BANNER.search(line)
            if match:
                cls.url = match.group(1)
                return

    @classmethod
    def tearDownClass(cls):
        cls.stop()

    @classmethod
    def stop(cls):
        if cls.process.poll() is not None:
            return
        if os.name == "nt":
            cls.process.terminate()
        else:
            os.killpg(cls.process.pid, signal.SIGTERM)
        cls.process.wait(timeout=15)
        cls.reader.join(timeout=5)
        cls.process.stdout.close()

    def setUp(self):
        # Chats, quota windows and the journal start over for every test.
        # State-changing control calls say JSON, body or not (no web page can send that cross-origin).
        status, _, body = call("POST", self.url + "/__mock/reset", headers={"Content-Type": "application/json"})
        self.assertEqual((status, body), (200, {"reset": True}))

    def create_chat(self, business_id, order_id, token=TOKEN):
        return call(
            "POST",
            f"{self.url}/v2/businesses/{business_id}/chats/new",
            {"context": {"type": "ORDER", "id": order_id}},
            {"Api-Key": token},
        )

    def test_opens_a_chat(self):
        status, headers, body = self.create_chat(1001, 11001)
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "OK")
        self.assertIsInstance(body["result"]["chatId"], int)
        self.assertEqual(headers["X-RateLimit-Resource-Remaining"], "0")

    def test_refuses_an_unknown_token_with_403(self):
        status, _, body = self.create_chat(1001, 11001, token="not-a-known-token")
        self.assertEqual(status, 403)
        self.assertEqual(body["errors"][0]["code"], "INVALID_TOKEN")

    def test_answers_420_once_the_quota_is_spent(self):
        self.assertEqual(self.create_chat(1003, 31001)[0], 200)
        status, headers, body = self.create_chat(1003, 31002)
        self.assertEqual(status, 420)
        self.assertEqual(body["errors"][0]["code"], "LIMIT_EXCEEDED")
        self.assertEqual(headers["X-RateLimit-Resource-Limit"], "1")
        self.assertIn("X-RateLimit-Resource-Until", headers)


if __name__ == "__main__":
    unittest.main()
