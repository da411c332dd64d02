package dev.strobe.grpc;

import com.google.protobuf.ByteString;
import dev.strobe.api.v1.GenerateEvent;
import dev.strobe.api.v1.GenerateRequest;
import dev.strobe.api.v1.Image;
import dev.strobe.api.v1.ImageFormat;
import dev.strobe.api.v1.ModelInfo;
import dev.strobe.api.v1.PredictionType;
import dev.strobe.api.v1.Preview;
import dev.strobe.api.v1.Queued;
import dev.strobe.api.v1.Timings;
import dev.strobe.pipeline.EncodedImage;
import dev.strobe.pipeline.PreviewFrame;
import dev.strobe.scheduler.GenerationSpec;
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.GenerateCommand.OutputChoice;
import dev.strobe.service.GenerateCommand.PreviewChoice;
import dev.strobe.service.GenerationService;

/** Converts between strobe.v1 messages and the service's types. Stateless. */
final class ProtoMapper {
    private ProtoMapper() {}

    static GenerateCommand toCommand(GenerateRequest r) {
        PreviewChoice preview = switch (r.getPreview().getFormat()) {
            case PREVIEW_FORMAT_UNSPECIFIED -> PreviewChoice.DEFAULT;
            case PREVIEW_FORMAT_NONE -> PreviewChoice.NONE;
            case PREVIEW_FORMAT_JPEG -> PreviewChoice.JPEG;
            case PREVIEW_FORMAT_PNG -> PreviewChoice.PNG;
            case UNRECOGNIZED -> PreviewChoice.UNKNOWN;
        };
        OutputChoice output = switch (r.getOutputFormat()) {
            case IMAGE_FORMAT_UNSPECIFIED -> OutputChoice.DEFAULT;
            case IMAGE_FORMAT_PNG -> OutputChoice.PNG;
            case IMAGE_FORMAT_JPEG -> OutputChoice.JPEG;
            case UNRECOGNIZED -> OutputChoice.UNKNOWN;
        };
        return new GenerateCommand(
                r.getPrompt(),
                r.getModel(),
                r.getWidth(),
                r.getHeight(),
                r.getSteps(),
                r.hasSeed() ? r.getSeed() : null,
                r.getNumImages(),
                preview,
                r.getPreview().getMaxSide(),
                r.getPreview().getEveryNSteps(),
                output,
                r.getRequestId());
    }

    static GenerateEvent queued(GenerationService.Admitted a) {
        GenerationSpec s = a.generation().spec();
        return GenerateEvent.newBuilder()
                .setQueued(Queued.newBuilder()
                        .setPosition(a.position())
                        .setRequestId(s.requestId())
                        .setPromptTokens(a.tokens().promptTokens())
                        .setPromptTruncated(a.tokens().truncated())
                        .setModel(a.model())
                        .setWidth(s.size().width())
                        .setHeight(s.size().height())
                        .setSteps(a.steps())
                        .setNumImages(s.numImages()))
                .build();
    }

    static GenerateEvent preview(PreviewFrame f, EncodedImage img) {
        return GenerateEvent.newBuilder()
                .setPreview(Preview.newBuilder()
                        .setImageIndex(f.imageIndex())
                        .setStep(f.step())
                        .setTotalSteps(f.totalSteps())
                        .setWidth(img.width())
                        .setHeight(img.height())
                        .setFormat(format(img.format()))
                        .setData(ByteString.copyFrom(img.data())))
                .build();
    }

    static GenerateEvent image(int index, long seed, EncodedImage img) {
        return GenerateEvent.newBuilder()
                .setImage(Image.newBuilder()
                        .setImageIndex(index)
                        .setSeed(seed)
                        .setWidth(img.width())
                        .setHeight(img.height())
                        .setFormat(format(img.format()))
                        .setData(ByteString.copyFrom(img.data())))
                .build();
    }

    static GenerateEvent done(dev.strobe.scheduler.Timings t, String requestId) {
        return GenerateEvent.newBuilder()
                .setDone(dev.strobe.api.v1.Done.newBuilder()
                        .setRequestId(requestId)
                        .setTimings(Timings.newBuilder()
                                .setQueueMs(t.queueMs())
                                .setEncodeMs(t.encodeMs())
                                .setDenoiseMs(t.denoiseMs())
                                .setDecodeMs(t.decodeMs())
                                .setTotalMs(t.totalMs())
                                .setFirstPreviewMs(t.firstPreviewMs())
                                .setWaitMs(t.waitMs())))
                .build();
    }

    static ModelInfo model(dev.strobe.service.ModelInfo m, boolean isDefault) {
        return ModelInfo.newBuilder()
                .setName(m.name())
                .setFamily(m.family())
                .setSteps(m.steps())
                .setPredictionType("sample".equals(m.predictionType())
                        ? PredictionType.PREDICTION_TYPE_SAMPLE
                        : PredictionType.PREDICTION_TYPE_EPSILON)
                .setTimestepSpacing(m.timestepSpacing())
                .setMinWidth(m.minSize())
                .setMaxWidth(m.maxSize())
                .setMinHeight(m.minSize())
                .setMaxHeight(m.maxSize())
                .setSizeMultiple(m.sizeMultiple())
                .setDefaultWidth(m.defaultWidth())
                .setDefaultHeight(m.defaultHeight())
                .setMaxBatch(m.maxBatch())
                .setEngine(m.engine())
                .setIsDefault(isDefault)
                .build();
    }

    private static ImageFormat format(dev.strobe.pipeline.ImageFormat f) {
        return f == dev.strobe.pipeline.ImageFormat.PNG ? ImageFormat.IMAGE_FORMAT_PNG : ImageFormat.IMAGE_FORMAT_JPEG;
    }
}
