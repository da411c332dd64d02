package dev.strobe.tiny;

/**
 * Statistics of an image [3, h, w] in [-1, 1], in 8-bit levels: how much neighbouring pixels
 * differ (smoothness), how much each channel varies over the image, how far pixels are from grey.
 */
record ImageStats(double neighbourLevels, double minChannelStdLevels, double chromaLevels) {

    static ImageStats of(float[] img, int h, int w) {
        int hw = h * w;
        double neighbour = 0;
        long pairs = 0;
        double minStd = Double.MAX_VALUE;
        for (int c = 0; c < 3; c++) {
            double mean = 0;
            for (int i = 0; i < hw; i++) {
                mean += img[c * hw + i];
            }
            mean /= hw;
            double var = 0;
            for (int i = 0; i < hw; i++) {
                double d = img[c * hw + i] - mean;
                var += d * d;
            }
            minStd = Math.min(minStd, Math.sqrt(var / hw));
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = img[c * hw + y * w + x];
                    if (x + 1 < w) {
                        neighbour += Math.abs(img[c * hw + y * w + x + 1] - v);
                        pairs++;
                    }
                    if (y + 1 < h) {
                        neighbour += Math.abs(img[c * hw + (y + 1) * w + x] - v);
                        pairs++;
                    }
                }
            }
        }
        double chroma = 0;
        for (int i = 0; i < hw; i++) {
            float r = img[i];
            float g = img[hw + i];
            float b = img[2 * hw + i];
            chroma += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b));
        }
        return new ImageStats(neighbour / pairs * 127.5, minStd * 127.5, chroma / hw * 127.5);
    }
}
