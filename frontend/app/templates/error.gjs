import { pageTitle } from 'ember-page-title';

<template>
  {{pageTitle "Error"}}
  <section class="card" aria-labelledby="err-heading">
    <h1 id="err-heading" tabindex="-1">Something went wrong</h1>
    <p role="alert">This page could not be shown. Reload the page to try again.</p>
    <p><a class="button" href="/">Reload</a></p>
  </section>
</template>
