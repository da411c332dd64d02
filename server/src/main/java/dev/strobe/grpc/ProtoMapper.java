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
import dev.strobe.service.GenerateCommand;
import dev.strobe.service.GenerateCommand.OutputChoice;
import dev.strobe.service.GenerateCommand.PreviewChoice;
import dev.strobe.service.stream.StreamEvent;

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

    /** The strobe.v1 message of a stream event. */
    static GenerateEvent event(StreamEvent e) {
        GenerateEvent.Builder b = GenerateEvent.newBuilder();
        if (e instanceof StreamEvent.Queued q) {
            b.setQueued(Queued.newBuilder()
                    .setPosition(q.position())
                    .setRequestId(q.requestId())
                    .setPromptTokens(q.promptTokens())
                    .setPromptTruncated(q.promptTruncated())
                    .setModel(q.model())
                    .setWidth(q.width())
                    .setHeight(q.height())
                    .setSteps(q.steps())
                    .setNumImages(q.numImages()));
        } else if (e instanceof StreamEvent.Preview p) {
            b.setPreview(Preview.newBuilder()
                    .setImageIndex(p.imageIndex())
                    .setStep(p.step())
                    .setTotalSteps(p.totalSteps())
                    .setWidth(p.image().width())
                    .setHeight(p.image().height())
                    .setFormat(format(p.image().format()))
                    .setData(ByteString.copyFrom(p.image().data())));
        } else if (e instanceof StreamEvent.FinalImage i) {
            b.setImage(Image.newBuilder()
                    .setImageIndex(i.imageIndex())
                    .setSeed(i.seed())
                    .setWidth(i.image().width())
                    .setHeight(i.image().height())
                    .setFormat(format(i.image().format()))
                    .setData(ByteString.copyFrom(i.image().data())));
        } else if (e instanceof StreamEvent.Done d) {
            b.setDone(dev.strobe.api.v1.Done.newBuilder()
                    .setRequestId(d.requestId())
                    .setTimings(timings(d.timings())));
        } else {
            throw new IllegalArgumentException("unknown stream event " + e);
        }
        return b.build();
    }

    static Timings timings(dev.strobe.scheduler.Timings t) {
        return Timings.newBuilder()
                .setQueueMs(t.queueMs())
                .setEncodeMs(t.encodeMs())
                .setDenoiseMs(t.denoiseMs())
                .setDecodeMs(t.decodeMs())
                .setTotalMs(t.totalMs())
                .setFirstPreviewMs(t.firstPreviewMs())
                .setWaitMs(t.waitMs())
                .build();
    }

    static dev.strobe.api.v1.UnavailableModel unavailable(dev.strobe.service.UnavailableModel u) {
        return dev.strobe.api.v1.UnavailableModel.newBuilder()
                .setName(u.name())
                .setFolder(u.folder())
                .setReason(u.reason())
                .build();
    }

    static ModelInfo model(dev.strobe.service.ModelInfo m, boolean isDefault) {
        return ModelInfo.newBuilder()
                .setName(m.name())
                .setFamily(m.family())
                .setSteps(m.steps())
                .setPredictionType(
                        "sample".equals(m.predictionType())
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
