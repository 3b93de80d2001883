import { pageTitle } from 'ember-page-title';
import AppHeader from '../components/app-header';

<template>
  {{pageTitle "edge-login"}}
  <AppHeader />
  <main id="main" class="page">
    {{outlet}}
  </main>
  <footer class="app-footer">
    <p>Signed sessions from a Cloudflare Worker; Google does the sign-in.</p>
  </footer>
</template>
