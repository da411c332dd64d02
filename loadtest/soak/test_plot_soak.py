import os
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
import plot_soak  # noqa: E402


class PlotSoakTest(unittest.TestCase):
    def write_csv(self, text):
        f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
        f.write(text)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def test_one_line_per_gauge_scaled_to_its_maximum(self):
        path = self.write_csv("seconds,strobe_jvm_heap_after_gc_bytes,strobe_open_streams\n"
                              "0.0,104857600,2\n10.0,209715200,4\n20.0,157286400,0\n")
        t, series = plot_soak.read(path)
        svg = ET.fromstring(plot_soak.render(t, series, "t"))
        lines = svg.findall("{http://www.w3.org/2000/svg}polyline")
        self.assertEqual(2, len(lines))
        heap = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
        self.assertEqual(3, len(heap))
        # x grows with time; the highest value (200 MiB at t=10) is the highest point (smallest y)
        self.assertLess(heap[0][0], heap[1][0])
        self.assertLess(heap[1][0], heap[2][0])
        self.assertEqual(min(p[1] for p in heap), heap[1][1])
        texts = "".join(e.text or "" for e in svg.iter("{http://www.w3.org/2000/svg}text"))
        self.assertIn("strobe_jvm_heap_after_gc_bytes (MiB): first 100, last 150, max 200", texts)

    def test_an_empty_file_is_a_clear_error(self):
        path = self.write_csv("seconds,strobe_open_streams\n")
        with self.assertRaises(SystemExit) as e:
            plot_soak.read(path)
        self.assertIn("no samples", str(e.exception))


if __name__ == "__main__":
    unittest.main()
