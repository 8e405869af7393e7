#!/usr/bin/env node
// Launcher for the TypeScript CLI: registers tsx's ESM loader with this repository's tsconfig (so the
// caller's working directory and its tsconfig don't matter), then runs cli/main.ts.
import process from 'node:process'
import { fileURLToPath, URL } from 'node:url'
import { register } from 'tsx/esm/api'

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) })
const { main } = await import('../cli/main.ts')
process.exitCode = await main(process.argv)
