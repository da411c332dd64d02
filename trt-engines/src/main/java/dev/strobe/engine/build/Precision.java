package dev.strobe.engine.build;

/** How build-engine asks TensorRT to choose layer precisions. */
public enum Precision {
    /** Float32 everywhere (TF32 where TensorRT allows it). */
    FP32("fp32"),
    /**
     * BuilderFlag::kFP16 on a weakly typed network (trtexec --fp16): TensorRT may run layers in
     * float16. Deprecated since TensorRT 10.12 in favour of strong typing, still works on 10.x.
     */
    FP16("fp16"),
    /**
     * A strongly typed network (NetworkDefinitionCreationFlag::kSTRONGLY_TYPED, trtexec
     * --stronglyTyped): precisions come from the ONNX, so export the UNet in float16.
     */
    STRONGLY_TYPED("strongly-typed");

    private final String label;

    Precision(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
