#!/usr/bin/env python3
"""Generates images on a strobe server and saves the final images and the previews.

    python3 client/python/generate.py --target localhost:50051 --prompt "a red fox" --out out/

Writes DIR/image{i}.{png|jpg} (final images) and DIR/image{i}-step{k}.{jpg|png} (previews), prints a
line per preview and, as the last line, one JSON object with the files, seeds and server timings.
Exit codes: 0 success, 1 the server or connection failed, 2 invalid arguments (here or INVALID_ARGUMENT
from the server). The stubs are generated into client/python/gen/ by gen_stubs.sh on first use.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GEN_DIR = os.path.join(HERE, "gen")
PROTO_FILE = os.path.join(HERE, "..", "..", "proto", "src", "main", "proto", "strobe", "v1", "strobe.proto")
EXIT_SERVER_ERROR = 1
EXIT_INVALID_ARGUMENTS = 2


def ensure_stubs():
    """Runs gen_stubs.sh when the generated modules are missing or older than the contract."""
    stub = os.path.join(GEN_DIR, "strobe", "v1", "strobe_pb2_grpc.py")
    stale = not os.path.exists(stub) or (
        os.path.exists(PROTO_FILE) and os.path.getmtime(stub) < os.path.getmtime(PROTO_FILE))
    if stale:
        result = subprocess.run(["bash", os.path.join(HERE, "gen_stubs.sh")],
                                stdout=sys.stderr, stderr=sys.stderr, check=False)
        if result.returncode != 0:
            sys.exit("error: could not generate the Python stubs (see above)")
    sys.path.insert(0, GEN_DIR)


def parse_args(argv):
    # "generate.py generate --target ..." works too, matching the launcher's subcommand style.
    if argv and argv[0] == "generate":
        argv = argv[1:]
    p = argparse.ArgumentParser(prog="generate.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--target", default="localhost:50051", help="server address host:port")
    p.add_argument("--prompt", required=True, help="the text prompt")
    p.add_argument("--out", required=True, help="folder for the final images and previews")
    p.add_argument("--seed", type=int, help="seed of image 0 (image i uses seed + i); random when absent")
    p.add_argument("--steps", type=int, default=0, help="denoising steps; 0 = the model's own")
    p.add_argument("--width", type=int, default=0, help="width in pixels; 0 = the model default")
    p.add_argument("--height", type=int, default=0, help="height in pixels; 0 = the model default")
    p.add_argument("--model", default="", help="model name; empty = the server default")
    p.add_argument("--num-images", type=int, default=1, help="number of images, 1 to 4")
    p.add_argument("--preview-format", choices=["jpeg", "png", "none"], default="jpeg")
    p.add_argument("--deadline", type=float, default=120.0, help="seconds allowed for the call")
    p.add_argument("--request-id", default="", help="request id echoed by the server")
    p.add_argument("--token", help="bearer token (default: $STROBE_TOKEN)")
    p.add_argument("--tls", action="store_true", help="connect with TLS (system roots unless --ca)")
    p.add_argument("--ca", help="PEM file of trusted certificate authorities (implies --tls)")
    args = p.parse_args(argv)
    for name in ("steps", "width", "height"):
        if getattr(args, name) < 0:
            p.error("--%s must be 0 or more" % name)
    if not 1 <= args.num_images <= 4:
        p.error("--num-images must be between 1 and 4")
    if args.seed is not None and not 0 <= args.seed < 2 ** 64:
        p.error("--seed must be between 0 and 2^64 - 1")
    if args.deadline <= 0:
        p.error("--deadline must be positive")
    return args


def open_channel(grpc, args):
    options = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]
    if args.tls or args.ca:
        root = None
        if args.ca:
            with open(args.ca, "rb") as f:
                root = f.read()
        return grpc.secure_channel(args.target, grpc.ssl_channel_credentials(root_certificates=root), options)
    return grpc.insecure_channel(args.target, options)


def extension(pb, image_format):
    return "jpg" if image_format == pb.IMAGE_FORMAT_JPEG else "png"


def build_request(pb, args):
    preview = {"jpeg": pb.PREVIEW_FORMAT_JPEG, "png": pb.PREVIEW_FORMAT_PNG, "none": pb.PREVIEW_FORMAT_NONE}
    request = pb.GenerateRequest(
        prompt=args.prompt, model=args.model, width=args.width, height=args.height, steps=args.steps,
        num_images=args.num_images, preview=pb.PreviewOptions(format=preview[args.preview_format]),
        output_format=pb.IMAGE_FORMAT_PNG, request_id=args.request_id or "py-%d" % int(time.time() * 1000))
    if args.seed is not None:
        request.seed = args.seed
    return request


def main(argv):
    args = parse_args(argv)
    try:
        import grpc
    except ImportError:
        sys.exit("error: the grpc module is missing: use Debian's /usr/bin/python3 with python3-grpcio "
                 "installed (apt-get install python3-grpcio python3-protobuf), or pip install grpcio protobuf")
    ensure_stubs()
    from strobe.v1 import strobe_pb2 as pb
    from strobe.v1 import strobe_pb2_grpc

    os.makedirs(args.out, exist_ok=True)
    request = build_request(pb, args)
    token = args.token or os.environ.get("STROBE_TOKEN")
    metadata = [("authorization", "Bearer " + token)] if token else None
    files, previews, seeds, done = [], [], [], None
    start = time.monotonic()
    with open_channel(grpc, args) as channel:
        stub = strobe_pb2_grpc.ImageGeneratorStub(channel)
        try:
            for event in stub.Generate(request, timeout=args.deadline, metadata=metadata):
                kind = event.WhichOneof("event")
                elapsed_ms = int((time.monotonic() - start) * 1000)
                if kind == "queued":
                    q = event.queued
                    print("queued at position %d: model %s, %dx%d, %d steps, %d image(s)"
                          % (q.position, q.model, q.width, q.height, q.steps, q.num_images), flush=True)
                elif kind == "preview":
                    p = event.preview
                    path = os.path.join(args.out, "image%d-step%d.%s" % (p.image_index, p.step, extension(pb, p.format)))
                    with open(path, "wb") as f:
                        f.write(p.data)
                    previews.append(path)
                    print("image %d step %d/%d  %d ms" % (p.image_index + 1, p.step, p.total_steps, elapsed_ms),
                          flush=True)
                elif kind == "image":
                    i = event.image
                    path = os.path.join(args.out, "image%d.%s" % (i.image_index, extension(pb, i.format)))
                    with open(path, "wb") as f:
                        f.write(i.data)
                    files.append(path)
                    seeds.append(i.seed)
                    print("image %d: seed %d, %dx%d -> %s" % (i.image_index, i.seed, i.width, i.height, path),
                          flush=True)
                elif kind == "done":
                    done = event.done
        except grpc.RpcError as e:
            code = e.code()
            print("error: %s: %s" % (code.name, " ".join((e.details() or "").split())), file=sys.stderr)
            return EXIT_INVALID_ARGUMENTS if code == grpc.StatusCode.INVALID_ARGUMENT else EXIT_SERVER_ERROR
    if done is None:
        print("error: INTERNAL: the server closed the stream without a done event", file=sys.stderr)
        return EXIT_SERVER_ERROR
    t = done.timings
    timings = {"queue_ms": t.queue_ms, "encode_ms": t.encode_ms, "denoise_ms": t.denoise_ms,
               "decode_ms": t.decode_ms, "first_preview_ms": t.first_preview_ms, "total_ms": t.total_ms}
    print("server timings: " + ", ".join("%s %.1f" % (k, v) for k, v in timings.items()))
    print(json.dumps({"request_id": done.request_id, "files": files, "previews": previews, "seeds": seeds,
                      "timings": timings}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
