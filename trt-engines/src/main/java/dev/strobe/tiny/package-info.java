/**
 * strobe's embedded model set: tiny, deterministically generated stand-ins for SDXL-Lightning's
 * 1/2/4/8-step checkpoints, with exactly the component interfaces of an optimum ONNX export
 * (names, dtypes, dynamic batch and resolution; the UNet takes a per-sample [B] timestep), run by
 * the same {@code dev.strobe.engine.onnx} code as a real export.
 *
 * <p>The UNet is an ideal Gaussian denoiser around a prompt-dependent clean latent x* (a real,
 * if small, cross-attention network over the text encoders' hidden states), plus a 1e-4-scale
 * residual network that makes each call cost what its batch and resolution should. Euler
 * sampling therefore ends on x* + kappa(sigma_last) (x_last - x*), which
 * {@link dev.strobe.tiny.TinyModelReference} predicts in plain Java; tests use this to check a
 * whole pipeline numerically.
 *
 * <ul>
 *   <li>{@link dev.strobe.tiny.TinyModelsMain}: the command line ({@code --out models --seed 42 --force}).
 *   <li>{@link dev.strobe.tiny.TinyModelSet}: writes the four folders; {@link dev.strobe.tiny.TinyModelGenerator}
 *       writes one.
 *   <li>{@link dev.strobe.tiny.TinyModelReference}: the same math in Java, formulas in its helpers'
 *       Javadoc ({@code reference} package).
 *   <li>{@link dev.strobe.tiny.TinyOptimumExport}: the same weights in optimum's SDXL export layout
 *       (scalar timestep, fp16 boundaries, no model.json), to test importing real exports.
 *   <li>{@code weights}: seeded weights shared by graphs and reference; {@code onnx}: the graph writers
 *       and {@link dev.strobe.tiny.onnx.OnnxBoundary}, which re-types and reshapes their interfaces.
 * </ul>
 */
package dev.strobe.tiny;
