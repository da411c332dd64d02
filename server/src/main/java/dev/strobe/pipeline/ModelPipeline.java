package dev.strobe.pipeline;

import dev.strobe.engine.DataType;
import dev.strobe.engine.Engine;
import dev.strobe.engine.EngineException;
import dev.strobe.engine.Tensor;
import dev.strobe.engine.TensorSpec;
import dev.strobe.pipeline.conditioning.TimeIds;
import dev.strobe.pipeline.noise.TorchCpuNoise;
import dev.strobe.pipeline.schedule.EulerSampler;
import dev.strobe.pipeline.schedule.EulerSchedule;
import dev.strobe.pipeline.schedule.PredictionType;
import dev.strobe.sdxl.SdxlTensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SDXL-Lightning pipeline of one model over its four engines: text encoding (both CLIP
 * encoders, penultimate hidden states concatenated, pooled embedding of the second), Euler
 * sampling one UNet call at a time over a batch of images each at its own step, and VAE
 * decoding. Every number follows docs/design/REFERENCE.md; the math lives in the schedule, noise and
 * conditioning packages, this class moves tensors between them and the engines.
 *
 * <p>Called from the scheduler's device thread only.
 */
public final class ModelPipeline implements ModelStages, AutoCloseable {
    private final PipelineConfig config;
    private final Engine textEncoder;
    private final Engine textEncoder2;
    private final Engine unet;
    private final Engine vae;
    private final EulerSchedule schedule;
    private final StageLimits limits;
    private final TensorSpec timestepSpec;

    public ModelPipeline(PipelineConfig config, Engine textEncoder, Engine textEncoder2, Engine unet, Engine vae) {
        this.config = config;
        this.textEncoder = textEncoder;
        this.textEncoder2 = textEncoder2;
        this.unet = unet;
        this.vae = vae;
        this.schedule = config.schedule();
        this.timestepSpec = unet.info()
                .input(SdxlTensors.TIMESTEP)
                .orElseThrow(() -> new EngineException(
                        EngineException.Kind.INVALID_MODEL, "the UNet has no input named 'timestep'"));
        this.limits = new StageLimits(
                Math.min(textEncoder.info().maxBatch(), textEncoder2.info().maxBatch()),
                unet.info().maxBatch(),
                vae.info().maxBatch(),
                !sharesTimestep(timestepSpec));
    }

    /**
     * Whether a UNet timestep input holds one value for the whole call: a scalar (optimum's
     * export) or a vector fixed at one element. Such a UNet only takes batches at one timestep.
     */
    public static boolean sharesTimestep(TensorSpec timestep) {
        return timestep.isScalar() || (timestep.rank() == 1 && timestep.shape()[0] == 1);
    }

    @Override
    public StageLimits limits() {
        return limits;
    }

    /** The UNet engine's backend name, e.g. "onnxruntime". */
    public String unetBackend() {
        return unet.info().backend();
    }

    @Override
    public List<Conditioning> encode(List<PromptTokens> prompts) {
        int b = prompts.size();
        long[] ids1 = new long[b * 77];
        long[] ids2 = new long[b * 77];
        for (int i = 0; i < b; i++) {
            System.arraycopy(prompts.get(i).ids1(), 0, ids1, i * 77, 77);
            System.arraycopy(prompts.get(i).ids2(), 0, ids2, i * 77, 77);
        }
        float[] h1 = run(textEncoder, Map.of(SdxlTensors.INPUT_IDS, ids(textEncoder, ids1, b)), config.hidden1())
                .floats();
        Map<String, Tensor> out2 = textEncoder2.run(
                Map.of(SdxlTensors.INPUT_IDS, ids(textEncoder2, ids2, b)), Set.of(config.hidden2(), config.pooled2()));
        float[] h2 = out2.get(config.hidden2()).floats();
        float[] p2 = out2.get(config.pooled2()).floats();
        int d1 = h1.length / (b * 77);
        int d2 = h2.length / (b * 77);
        int dp = p2.length / b;
        List<Conditioning> result = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            float[] hidden = new float[77 * (d1 + d2)];
            for (int t = 0; t < 77; t++) {
                System.arraycopy(h1, (i * 77 + t) * d1, hidden, t * (d1 + d2), d1);
                System.arraycopy(h2, (i * 77 + t) * d2, hidden, t * (d1 + d2) + d1, d2);
            }
            float[] pooled = new float[dp];
            System.arraycopy(p2, i * dp, pooled, 0, dp);
            result.add(new Conditioning(hidden, pooled));
        }
        return result;
    }

    @Override
    public LatentState initialLatent(ImageSize size, long seed) {
        int c = config.latentChannels();
        int f = config.vaeScaleFactor();
        float[] x = TorchCpuNoise.randn(seed, 1, c, size.height() / f, size.width() / f);
        float sigma0 = schedule.initNoiseSigma();
        for (int i = 0; i < x.length; i++) {
            x[i] *= sigma0;
        }
        float[] model = schedule.modelTimesteps();
        double[] timesteps = new double[model.length];
        for (int i = 0; i < model.length; i++) {
            timesteps[i] = model[i]; // what the UNet is fed (integers for sgm_uniform, as in ComfyUI)
        }
        return new LatentState(size, c, f, x, timesteps, schedule.sigmas());
    }

    @Override
    public void denoise(List<DenoiseItem> batch) {
        int b = batch.size();
        LatentState first = batch.get(0).state();
        int n = first.length();
        int hiddenLen = batch.get(0).conditioning().hiddenStates().length;
        int pooledLen = batch.get(0).conditioning().pooled().length;
        float[] sample = new float[b * n];
        float[] timesteps = new float[b];
        float[] hidden = new float[b * hiddenLen];
        float[] pooled = new float[b * pooledLen];
        float[] timeIds = new float[b * 6];
        for (int i = 0; i < b; i++) {
            DenoiseItem item = batch.get(i);
            LatentState s = item.state();
            if (s.length() != n) {
                throw new IllegalArgumentException("a UNet batch must share one latent shape");
            }
            EulerSampler.scaleModelInput(s.x(), 0, s.sigma(), sample, i * n, n);
            timesteps[i] = (float) s.timestep();
            System.arraycopy(item.conditioning().hiddenStates(), 0, hidden, i * hiddenLen, hiddenLen);
            System.arraycopy(item.conditioning().pooled(), 0, pooled, i * pooledLen, pooledLen);
            System.arraycopy(TimeIds.of(s.size().height(), s.size().width()), 0, timeIds, i * 6, 6);
        }
        Map<String, Tensor> inputs = Map.of(
                SdxlTensors.SAMPLE,
                        Tensor.ofFloats(sample, b, first.channels(), first.latentHeight(), first.latentWidth()),
                SdxlTensors.TIMESTEP, timestepTensor(timesteps),
                SdxlTensors.ENCODER_HIDDEN_STATES, Tensor.ofFloats(hidden, b, 77, hiddenLen / 77),
                SdxlTensors.TEXT_EMBEDS, Tensor.ofFloats(pooled, b, pooledLen),
                SdxlTensors.TIME_IDS, Tensor.ofFloats(timeIds, b, 6));
        float[] out = run(unet, inputs, config.unetOutput()).floats();
        PredictionType prediction = config.prediction();
        for (int i = 0; i < b; i++) {
            LatentState s = batch.get(i).state();
            EulerSampler.denoised(s.x(), 0, out, i * n, s.sigma(), prediction, s.x0(), 0, n);
            EulerSampler.step(s.x(), 0, s.x0(), 0, s.sigma(), s.nextSigma(), n);
            s.advance();
        }
    }

    @Override
    public List<DecodedImage> decode(List<LatentState> finished) {
        int b = finished.size();
        LatentState first = finished.get(0);
        int n = first.length();
        float[] latents = new float[b * n];
        float scale = (float) (1.0 / config.vaeScalingFactor());
        for (int i = 0; i < b; i++) {
            float[] x0 = finished.get(i).x0();
            for (int k = 0; k < n; k++) {
                latents[i * n + k] = x0[k] * scale;
            }
        }
        Tensor out = run(
                vae,
                Map.of(
                        SdxlTensors.LATENT_SAMPLE,
                        Tensor.ofFloats(latents, b, first.channels(), first.latentHeight(), first.latentWidth())),
                config.vaeOutput());
        int height = (int) out.dim(2);
        int width = (int) out.dim(3);
        List<DecodedImage> images = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            images.add(new DecodedImage(out.floats(), i * 3 * height * width, width, height));
        }
        return images;
    }

    private Tensor timestepTensor(float[] timesteps) {
        if (sharesTimestep(timestepSpec)) {
            for (float t : timesteps) {
                if (t != timesteps[0]) {
                    throw new IllegalArgumentException("a UNet with one shared timestep needs one timestep per call");
                }
            }
            long[] shape = timestepSpec.shape(); // [] or [1]
            return timestepSpec.dataType().isFloating()
                    ? Tensor.ofFloats(timestepSpec.dataType(), new float[] {timesteps[0]}, shape)
                    : Tensor.ofLongs(timestepSpec.dataType(), new long[] {Math.round(timesteps[0])}, shape);
        }
        if (timestepSpec.dataType().isFloating()) {
            return Tensor.ofFloats(timestepSpec.dataType(), timesteps, timesteps.length);
        }
        long[] t = new long[timesteps.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.round(timesteps[i]);
        }
        return Tensor.ofLongs(timestepSpec.dataType(), t, t.length);
    }

    private static Tensor ids(Engine encoder, long[] ids, int b) {
        DataType type = encoder.info()
                .input(SdxlTensors.INPUT_IDS)
                .map(TensorSpec::dataType)
                .orElse(DataType.INT64);
        return Tensor.ofLongs(type.isFloating() ? DataType.INT64 : type, ids, b, 77);
    }

    private static Tensor run(Engine engine, Map<String, Tensor> inputs, String output) {
        return engine.run(inputs, Set.of(output)).get(output);
    }

    @Override
    public void close() {
        for (Engine e : List.of(textEncoder, textEncoder2, unet, vae)) {
            e.close();
        }
    }
}
