import { pageTitle } from 'ember-page-title';
import { LinkTo } from '@ember/routing';

<template>
  {{pageTitle "Not found"}}
  <section class="card" aria-labelledby="nf-heading">
    <h1 id="nf-heading" tabindex="-1">Page not found</h1>
    <p>There is no page at this address.</p>
    <p><LinkTo @route="index" class="button">Go to the home page</LinkTo></p>
  </section>
</template>
