import { pageTitle } from 'ember-page-title';
import AppHeader from '../components/app-header';
import SessionCheckBanner from '../components/session-check-banner';

<template>
  {{pageTitle "edge-login"}}
  <AppHeader />
  <main id="main" class="page">
    <SessionCheckBanner />
    {{outlet}}
  </main>
  <footer class="app-footer">
    <p>Signed sessions from a Cloudflare Worker; your sign-in provider checks who you are.</p>
  </footer>
</template>
