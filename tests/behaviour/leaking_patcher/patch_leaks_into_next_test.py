# A test case patches `os.getcwd` in setUp and in a test, and never stops
# the patchers: the tests that run after it still see the mocks. Fixed, the
# cleanups restore the real functions when each test ends.
import os
import time
import unittest
from unittest import mock

REAL_GETCWD = os.getcwd
REAL_TIME = time.time


class TestPatched(unittest.TestCase):
    def setUp(self):
        self.patcher = mock.patch("os.getcwd", return_value="/fake")
        self.getcwd = self.patcher.start()

    def test_a_patched(self):
        self.clock = mock.patch("time.time", return_value=0.0).start()
        self.assertEqual(os.getcwd(), "/fake")
        self.assertEqual(time.time(), 0.0)


class TestAfter(unittest.TestCase):
    def test_b_real_functions(self):
        self.assertIs(os.getcwd, REAL_GETCWD)
        self.assertIs(time.time, REAL_TIME)


suite = unittest.TestSuite()
suite.addTest(TestPatched("test_a_patched"))
suite.addTest(TestAfter("test_b_real_functions"))
result = unittest.TextTestRunner(verbosity=0).run(suite)
assert result.wasSuccessful(), result.failures
assert os.getcwd is REAL_GETCWD and time.time is REAL_TIME
