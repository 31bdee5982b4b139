# A patcher started in setUpClass and never stopped leaks past the class;
# the fixed `cls.addClassCleanup(cls.patcher.stop)` restores it when the
# class's tests are done, while they all still see the mock.
import shutil
import unittest
from unittest import mock

REAL_RMTREE = shutil.rmtree


class TestShared(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.patcher = mock.patch("shutil.rmtree")
        cls.rmtree = cls.patcher.start()

    def test_one(self):
        self.assertIsNot(shutil.rmtree, REAL_RMTREE)

    def test_two(self):
        self.assertIsNot(shutil.rmtree, REAL_RMTREE)


suite = unittest.defaultTestLoader.loadTestsFromTestCase(TestShared)
result = unittest.TextTestRunner(verbosity=0).run(suite)
assert result.wasSuccessful(), result.failures
assert shutil.rmtree is REAL_RMTREE, "the patch leaked past the test case"
