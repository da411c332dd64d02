#!/usr/bin/env node
// Generates images on a strobe server and saves the final images and the previews.
//
//   node client/node/generate.js --target localhost:50051 --prompt "a red fox" --out out/
//
// Loads proto/src/main/proto/strobe/v1/strobe.proto at run time with @grpc/proto-loader (no generated
// code). Writes DIR/image{i}.{png|jpg} and DIR/image{i}-step{k}.{jpg|png}, prints a line per preview
// and, as the last line, one JSON object with the files, seeds and server timings. Exit codes: 0
// success, 1 the server or connection failed, 2 invalid arguments (here or INVALID_ARGUMENT).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const PROTO_ROOT = path.resolve(__dirname, '..', '..', 'proto', 'src', 'main', 'proto');
const EXIT_SERVER_ERROR = 1;
const EXIT_INVALID_ARGUMENTS = 2;

function usageError(message) {
  console.error(`error: ${message}\n` +
    'usage: generate.js [generate] --prompt TEXT --out DIR [--target HOST:PORT] [--seed S] [--steps N]\n' +
    '         [--width W] [--height H] [--model M] [--num-images N] [--preview-format jpeg|png|none]\n' +
    '         [--deadline SECONDS] [--request-id ID] [--token T] [--tls] [--ca FILE]');
  process.exit(EXIT_INVALID_ARGUMENTS);
}

function nonNegativeInt(name, text, fallback) {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) usageError(`--${name} must be a whole number of 0 or more, got '${text}'`);
  return Number(text);
}

function parseOptions(argv) {
  // "generate.js generate --target ..." works too, matching the launcher's subcommand style.
  if (argv[0] === 'generate') argv = argv.slice(1);
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        target: { type: 'string', default: 'localhost:50051' },
        prompt: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        steps: { type: 'string' },
        width: { type: 'string' },
        height: { type: 'string' },
        model: { type: 'string', default: '' },
        'num-images': { type: 'string' },
        'preview-format': { type: 'string', default: 'jpeg' },
        deadline: { type: 'string', default: '120' },
        'request-id': { type: 'string' },
        token: { type: 'string' },
        tls: { type: 'boolean', default: false },
        ca: { type: 'string' },
      },
    }));
  } catch (e) {
    usageError(e.message);
  }
  if (!values.prompt) usageError('--prompt is required');
  if (!values.out) usageError('--out is required');
  if (values.seed !== undefined && !/^\d+$/.test(values.seed)) {
    usageError(`--seed must be a whole number from 0 to 2^64 - 1, got '${values.seed}'`);
  }
  if (values.seed !== undefined && BigInt(values.seed) >= 2n ** 64n) usageError('--seed must be below 2^64');
  const numImages = nonNegativeInt('num-images', values['num-images'], 1);
  if (numImages < 1 || numImages > 4) usageError('--num-images must be between 1 and 4');
  if (!['jpeg', 'png', 'none'].includes(values['preview-format'])) {
    usageError(`--preview-format must be jpeg, png or none, got '${values['preview-format']}'`);
  }
  const deadline = Number(values.deadline);
  if (!(deadline > 0)) usageError(`--deadline must be a positive number of seconds, got '${values.deadline}'`);
  return {
    target: values.target,
    prompt: values.prompt,
    out: values.out,
    seed: values.seed,
    steps: nonNegativeInt('steps', values.steps, 0),
    width: nonNegativeInt('width', values.width, 0),
    height: nonNegativeInt('height', values.height, 0),
    model: values.model,
    numImages,
    previewFormat: values['preview-format'],
    deadlineSeconds: deadline,
    requestId: values['request-id'] || `node-${Date.now()}`,
    token: values.token || process.env.STROBE_TOKEN || '',
    tls: values.tls || values.ca !== undefined,
    ca: values.ca,
  };
}

function loadService(grpc) {
  const protoLoader = require('@grpc/proto-loader');
  const definition = protoLoader.loadSync('strobe/v1/strobe.proto', {
    includeDirs: [PROTO_ROOT],
    keepCase: true, // field names as in the .proto: request_id, num_images, ...
    longs: String, // uint64 seeds keep all 64 bits
    enums: String,
    defaults: true,
    oneofs: true, // event.event names the set member of the oneof
  });
  return grpc.loadPackageDefinition(definition).strobe.v1.ImageGenerator;
}

function extension(format) {
  return format === 'IMAGE_FORMAT_JPEG' ? 'jpg' : 'png';
}

function main() {
  const options = parseOptions(process.argv.slice(2));
  const grpc = require('@grpc/grpc-js');
  const ImageGenerator = loadService(grpc);
  const credentials = options.tls
    ? grpc.credentials.createSsl(options.ca ? fs.readFileSync(options.ca) : null)
    : grpc.credentials.createInsecure();
  const client = new ImageGenerator(options.target, credentials, {
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  });
  fs.mkdirSync(options.out, { recursive: true });

  const request = {
    prompt: options.prompt,
    model: options.model,
    width: options.width,
    height: options.height,
    steps: options.steps,
    num_images: options.numImages,
    preview: { format: `PREVIEW_FORMAT_${options.previewFormat.toUpperCase()}` },
    output_format: 'IMAGE_FORMAT_PNG',
    request_id: options.requestId,
  };
  if (options.seed !== undefined) request.seed = options.seed;
  const metadata = new grpc.Metadata();
  if (options.token) metadata.set('authorization', `Bearer ${options.token}`);

  const started = Date.now();
  const files = [];
  const previews = [];
  const seeds = [];
  let done = null;
  const call = client.Generate(request, metadata, {
    deadline: new Date(Date.now() + options.deadlineSeconds * 1000),
  });
  call.on('data', (event) => {
    const elapsed = Date.now() - started;
    switch (event.event) {
      case 'queued': {
        const q = event.queued;
        console.log(`queued at position ${q.position}: model ${q.model}, ${q.width}x${q.height}, ` +
          `${q.steps} steps, ${q.num_images} image(s)`);
        break;
      }
      case 'preview': {
        const p = event.preview;
        const file = path.join(options.out, `image${p.image_index}-step${p.step}.${extension(p.format)}`);
        fs.writeFileSync(file, p.data);
        previews.push(file);
        console.log(`image ${p.image_index + 1} step ${p.step}/${p.total_steps}  ${elapsed} ms`);
        break;
      }
      case 'image': {
        const i = event.image;
        const file = path.join(options.out, `image${i.image_index}.${extension(i.format)}`);
        fs.writeFileSync(file, i.data);
        files.push(file);
        seeds.push(i.seed);
        console.log(`image ${i.image_index}: seed ${i.seed}, ${i.width}x${i.height} -> ${file}`);
        break;
      }
      case 'done':
        done = event.done;
        break;
      default:
        break; // an event kind newer than this client: skip it
    }
  });
  call.on('error', (err) => {
    const code = Object.keys(grpc.status).find((k) => grpc.status[k] === err.code) || String(err.code);
    console.error(`error: ${code}: ${String(err.details || err.message).replace(/\s+/g, ' ').trim()}`);
    client.close();
    process.exitCode = err.code === grpc.status.INVALID_ARGUMENT ? EXIT_INVALID_ARGUMENTS : EXIT_SERVER_ERROR;
  });
  call.on('end', () => {
    client.close();
    if (done === null) {
      if (process.exitCode === undefined) {
        console.error('error: INTERNAL: the server closed the stream without a done event');
        process.exitCode = EXIT_SERVER_ERROR;
      }
      return;
    }
    const t = done.timings || {};
    const timings = {
      queue_ms: t.queue_ms, encode_ms: t.encode_ms, denoise_ms: t.denoise_ms,
      decode_ms: t.decode_ms, first_preview_ms: t.first_preview_ms, total_ms: t.total_ms,
    };
    console.log('server timings: ' + Object.entries(timings).map(([k, v]) => `${k} ${Number(v).toFixed(1)}`).join(', '));
    // Seeds are uint64: printed as JSON numbers from their exact decimal text.
    const json = JSON.stringify({ request_id: done.request_id, files, previews, seeds: [], timings });
    console.log(json.replace('"seeds":[]', `"seeds":[${seeds.join(',')}]`));
  });
}

main();
